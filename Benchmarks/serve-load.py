#!/usr/bin/env python3
"""Load benchmark of `jac serve` (docs/serve.md; not part of make test): `make bench-serve`.

1. 50 concurrent clients (threads, one keep-alive connection each) for 30 s send a mix of derive
   and check requests on loopback; reported: requests per second, p50/p99 latency of the answered
   (200) requests, the 503s (documented: --max-concurrent busy or --time-limit) and every other
   answer or connection failure as an error. A client answered 503 waits 50 ms before its next
   request (it does not honour the full Retry-After, to keep the pressure on).
2. 1,000 malformed requests: garbage JSON, bodies over --max-body-bytes, absurd sizes, unknown
   fields, wrong types, truncated bodies, broken HTTP, slow senders; each must be answered with a
   4xx (or, for broken HTTP or truncated bodies, a closed connection), and afterwards the server
   must still answer a derive with 200.

Usage: python3 Benchmarks/serve-load.py .build/release/jac [--seconds 30] [--clients 50]
Prints one JSON object.
"""
import http.client, json, random, socket, statistics, subprocess, sys, threading, time

def arg(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default

JAC = sys.argv[1]
SECONDS = arg("--seconds", 30.0)
CLIENTS = arg("--clients", 50)

MIX = [
    ("/api/derive", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2"}),
    ("/api/derive", {"expression": "x'*A*x", "wrt": "x", "dims": "x=4x1,A=4x4", "format": "mathml"}),
    ("/api/derive", {"expression": "tanh(W*x)", "wrt": "W", "dims": "W=3x4,x=4x1", "steps": True}),
    ("/api/check", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')+kron(R',I(2))*K(3,2)"]}),
    ("/api/check", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')"]}),
    ("/api/check", {"expression": "A*X*B", "wrt": "X", "dims": "A=3x4,X=4x5,B=5x2", "claim": ["kron(B',A)"]}),
]

def start_server():
    server = subprocess.Popen([JAC, "serve", "--port", "0", "--quiet"], stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    port = int(line.split("listening on http://")[1].split("/")[0].rsplit(":", 1)[1])
    return server, port

def post(conn, path, body):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status

def load(port):
    latencies, lock = [], threading.Lock()
    counts = {"200": 0, "503": 0, "other": 0, "connection errors": 0}
    stop = time.time() + SECONDS
    def client(k):
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < stop:
            path, body = rng.choice(MIX)
            t0 = time.perf_counter()
            try:
                status = post(conn, path, body)
            except Exception:
                with lock: counts["connection errors"] += 1
                conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            dt = time.perf_counter() - t0
            with lock:
                if status == 200: counts["200"] += 1; latencies.append(dt)
                elif status == 503: counts["503"] += 1
                else: counts["other"] += 1
            if status == 503: time.sleep(0.05)
        conn.close()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    t0 = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.time() - t0
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else None
    return {"clients": CLIENTS, "seconds": round(elapsed, 1), "answered_per_second": round(counts["200"] / elapsed, 1),
            "busy_503_per_second": round(counts["503"] / elapsed, 1), "p50_ms": q(0.50), "p99_ms": q(0.99),
            "counts": counts, "errors": counts["other"] + counts["connection errors"]}

def raw(port, data, read=True, slow=0.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        if slow:
            for i in range(0, len(data), 8):
                s.sendall(data[i:i + 8]); time.sleep(slow)
        else:
            s.sendall(data)
        if not read: return None
        reply = b""
        while b"\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk: return "closed"
            reply += chunk
        return int(reply.split(b" ")[1])
    except (ConnectionResetError, BrokenPipeError):
        return "closed"
    finally:
        s.close()

def request(path, body, length=None):
    length = len(body) if length is None else length
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n"
            f"Connection: close\r\n\r\n").encode() + body

def malformed(port):
    rng = random.Random(7)
    kinds = {
        "garbage JSON": lambda: request("/api/derive", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))),
        "huge body": lambda: request("/api/derive", b"{" + b" " * (5 << 20) + b"}"),
        "absurd sizes": lambda: request("/api/derive", json.dumps(
            {"expression": "X*X", "wrt": "X", "dims": f"X={10 ** rng.randrange(3, 30)}x{10 ** rng.randrange(3, 30)}"}).encode()),
        "unknown field": lambda: request("/api/check", b'{"expression": "x", "claimFile": "/etc/passwd"}'),
        "wrong types": lambda: request("/api/chain", b'{"factors": [1, 2, {}]}'),
        "bad expression": lambda: request("/api/derive", json.dumps(
            {"expression": "(" * rng.randrange(1, 5000), "wrt": "x", "dims": "x=2x1"}).encode()),
        "truncated body": lambda: request("/api/derive", b'{"expression": "x"', length=500),
        "broken HTTP": lambda: bytes(rng.randrange(32, 127) for _ in range(200)) + b"\r\n\r\n",
    }
    outcomes, lock = {}, threading.Lock()
    plan = [name for name in kinds for _ in range(120)][:950]
    def one(name):
        data = kinds[name]()
        status = raw(port, data)
        with lock: outcomes.setdefault(name, {}).setdefault(str(status), 0); outcomes[name][str(status)] += 1
    # 950 of the malformed requests from 10 threads, then 50 slow senders at once (8 bytes every 20 ms).
    chunks = [plan[i::10] for i in range(10)]
    threads = [threading.Thread(target=lambda c=c: [one(n) for n in c]) for c in chunks]
    for t in threads: t.start()
    for t in threads: t.join()
    slow_body = json.dumps({"expression": "x'*x", "wrt": "x", "dims": "x=2x1", "format": "text"}).encode()
    def slow():
        status = raw(port, request("/api/derive", slow_body), slow=0.02)
        with lock: outcomes.setdefault("slow sender (valid, 8 bytes every 20 ms)", {}).setdefault(str(status), 0); \
            outcomes["slow sender (valid, 8 bytes every 20 ms)"][str(status)] += 1
    threads = [threading.Thread(target=slow) for _ in range(50)]
    for t in threads: t.start()
    for t in threads: t.join()
    total = sum(sum(v.values()) for v in outcomes.values())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    after = post(conn, "/api/derive", MIX[0][1])
    return {"requests": total, "outcomes": outcomes, "derive_after": after}

def main():
    server, port = start_server()
    try:
        result = {"load": load(port), "malformed": malformed(port), "server_alive": server.poll() is None}
    finally:
        server.terminate(); server.wait(timeout=10)
    print(json.dumps(result, indent=1))

if __name__ == "__main__":
    main()
