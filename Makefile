# JacobianKit: two commands on a fresh machine.
#   make demo   runs the main job
#   make test   builds and runs every test
SWIFT ?= swift

.PHONY: demo test deps build release bench bench-gemm clean fuzz

deps:
	@./scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: deps
	$(SWIFT) build --product jac
	./scripts/demo.sh .build/debug/jac

test: deps
	@./scripts/worktree-guard.sh save
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(SWIFT) run --skip-build RtR 4x3 > /dev/null
	$(SWIFT) run --skip-build Layouts > /dev/null
	$(SWIFT) run --skip-build HandDerivation > /dev/null
	./scripts/test-notebooks.sh .build/debug/jac
	python3 scripts/bad-inputs.py .build/debug/jac
	@./scripts/worktree-guard.sh check

# Fuzzing (not part of make test): libFuzzer harnesses in Fuzz/ for the .npy reader and for
# parse + shape + derive, each run for FUZZ_SECONDS (default 60). See scripts/fuzz.sh.
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh

# Benchmarks: JSON lines from the release build, then NumPy's on the same cases.
bench: release
	.build/release/jacbench

bench-gemm: release
	.build/release/jacbench gemm
	python3 Benchmarks/peers/gemm.py

clean:
	rm -rf .build
