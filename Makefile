# JacobianKit: two commands on a fresh machine.
#   make demo   runs the main job
#   make test   builds and runs every test (and the documentation, warnings as errors); the Swift
#               suites print a summary (scripts/swift-test.sh), the full log is .build/swift-test.log
#   make docs   builds the DocC documentation of MatrixCore, Jacobians and Symbolic
SWIFT ?= swift

.PHONY: demo test deps build release bench bench-gemm bench-chains bench-serve clean fuzz docs serve

deps:
	@./scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: deps
	$(SWIFT) build --product jac
	./scripts/demo.sh .build/debug/jac

# The class web page and JSON API (docs/serve.md) on http://127.0.0.1:$(PORT)/ from the release build.
PORT ?= 8080
serve: release
	.build/release/jac serve --port $(PORT)

test: deps
	@./scripts/worktree-guard.sh save
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) ./scripts/swift-test.sh
	$(MAKE) --no-print-directory docs
	$(SWIFT) run --skip-build RtR 4x3 > /dev/null
	$(SWIFT) run --skip-build Layouts > /dev/null
	$(SWIFT) run --skip-build HandDerivation > /dev/null
	./scripts/test-notebooks.sh .build/debug/jac
	python3 scripts/bad-inputs.py .build/debug/jac
	python3 scripts/browser-test.py .build/debug/jac
	@./scripts/worktree-guard.sh check

# DocC archives in .build/plugins/Swift-DocC/outputs/ (MatrixCore, Jacobians, Symbolic
# .doccarchive), from Sources/*/*.docc and the doc comments; any DocC warning fails the build.
# The articles' code is compiled and run by Tests/DocumentationTests.
DOCC_TARGETS = --target MatrixCore --target Jacobians --target Symbolic
docs: deps
	$(SWIFT) package generate-documentation $(DOCC_TARGETS) --warnings-as-errors

# Fuzzing (not part of make test): libFuzzer harnesses in Fuzz/ for the .npy reader and for
# parse + shape + derive, each run for FUZZ_SECONDS (default 60). See scripts/fuzz.sh.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh

# Benchmarks: JSON lines from the release build, then NumPy's on the same cases.
bench: release
	.build/release/jacbench

# jac serve under load (docs/serve.md): 50 clients for 30 s, then 1,000 malformed requests.
bench-serve: release
	python3 Benchmarks/serve-load.py .build/release/jac

# Chains (Benchmarks/README.md, "Chains"): chain-plan and chain-eval of this build against the
# build before the product rules were unified (BEFORE, default: built once in .build/chain-before)
# and NumPy's multi_dot, interleaved in ROUNDS rounds with OPENBLAS_NUM_THREADS=THREADS everywhere.
ROUNDS ?= 5
THREADS ?= $(shell nproc)
bench-chains: release
	python3 Benchmarks/chain-compare.py --rounds $(ROUNDS) --threads $(THREADS) $(if $(BEFORE),--before $(BEFORE))

bench-gemm: release
	.build/release/jacbench gemm
	python3 Benchmarks/peers/gemm.py

clean:
	rm -rf .build
