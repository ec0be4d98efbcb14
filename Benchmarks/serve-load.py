#!/usr/bin/env python3
"""Load benchmark of `jac serve` (docs/serve.md; not part of make test): `make bench-serve`.

Everything goes to a server this script starts on 127.0.0.1 (a free port) and stops at the end;
every loop is bounded in count and time.

1. Load: CLIENTS concurrent clients (threads, one keep-alive connection each) for SECONDS send a
   mix of derive and check requests. Reported: answered (200) requests per second, p50/p99
   latency of the answered requests, the 503s (documented: --max-concurrent busy, or
   --time-limit), and every other answer or connection failure as an error. A client answered
   503 waits 50 ms before its next request (it does not honour the whole Retry-After, to keep the
   pressure on).
2. Malformed: MALFORMED requests (1,000 by default) of 17 kinds, each on its own connection:
   garbage JSON, JSON that is not the request (not an object, wrong types, unknown or missing
   fields), absurd sizes, bad expressions, bodies over --max-body-bytes (declared and really
   sent), a Content-Length that is shorter, longer than the body or not a number, truncated heads,
   bad methods, bad paths, broken HTTP, header floods, and slow senders: valid requests sent
   8 bytes every 20 ms (answered), heads that stall halfway (slowloris) and bodies dribbled a byte
   every 0.2 s (both closed by the server after --read-timeout). Each kind has the outcomes it
   may have (a status, or the server closing the connection); anything else is counted as
   unexpected. A worker never dies: a client-side failure is an outcome too. While the stalled
   senders hold their connections, a derive on a new connection must be answered 200; after the
   1,000, the server must still answer a derive with 200 and be running.

Usage: python3 Benchmarks/serve-load.py JAC [--seconds 30] [--clients 50] [--malformed 1000]
       [--read-timeout 30] [--skip-load] [--skip-malformed]
(--read-timeout is passed to the server: the slow-sender kinds take that long each, concurrently.)
Prints one JSON object.
"""
import http.client, json, os, random, socket, subprocess, sys, threading, time


def arg(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


JAC = sys.argv[1]
SECONDS = arg("--seconds", 30.0)
CLIENTS = arg("--clients", 50)
MALFORMED = arg("--malformed", 1000)
READ_TIMEOUT = arg("--read-timeout", 30.0)  # jac serve's default

MIX = [
    ("/api/derive", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2"}),
    ("/api/derive", {"expression": "x'*A*x", "wrt": "x", "dims": "x=4x1,A=4x4", "format": "mathml"}),
    ("/api/derive", {"expression": "tanh(W*x)", "wrt": "W", "dims": "W=3x4,x=4x1", "steps": True}),
    ("/api/check", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')+kron(R',I(2))*K(3,2)"]}),
    ("/api/check", {"expression": "R'*R", "wrt": "R", "dims": "R=3x2", "claim": ["kron(I(2),R')"]}),
    ("/api/check", {"expression": "A*X*B", "wrt": "X", "dims": "A=3x4,X=4x5,B=5x2", "claim": ["kron(B',A)"]}),
]


def start_server():
    server = subprocess.Popen(
        [JAC, "serve", "--port", "0", "--quiet", "--read-timeout", str(READ_TIMEOUT)],
        stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    port = int(line.split("listening on http://")[1].split("/")[0].rsplit(":", 1)[1])
    return server, port


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def post(conn, path, body):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def derive_status(port):
    """A fresh connection's derive: its status, or the failure's name."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            return post(conn, "/api/derive", MIX[0][1])
        finally:
            conn.close()
    except Exception as e:  # the server must answer: any failure is reported as such
        return type(e).__name__


# ---------------------------------------------------------------------------------------------
# 1. Load

def load(port):
    latencies, lock = [], threading.Lock()
    counts = {"200": 0, "503": 0, "other": 0, "connection errors": 0}
    others = {}
    stop = time.time() + SECONDS

    def client(k):
        rng = random.Random(k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.time() < stop:
            path, body = rng.choice(MIX)
            t0 = time.perf_counter()
            try:
                status = post(conn, path, body)
            except Exception as e:
                with lock:
                    counts["connection errors"] += 1
                    others[type(e).__name__] = others.get(type(e).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            dt = time.perf_counter() - t0
            with lock:
                if status == 200:
                    counts["200"] += 1
                    latencies.append(dt)
                elif status == 503:
                    counts["503"] += 1
                else:
                    counts["other"] += 1
                    others[str(status)] = others.get(str(status), 0) + 1
            if status == 503:
                time.sleep(0.05)
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    t0 = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.time() - t0
    latencies.sort()
    q = lambda p: round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else None
    return {"clients": CLIENTS, "seconds": round(elapsed, 1), "answered_per_second": round(counts["200"] / elapsed, 1),
            "busy_503_per_second": round(counts["503"] / elapsed, 1), "p50_ms": q(0.50), "p99_ms": q(0.99),
            "counts": counts, "errors": counts["other"] + counts["connection errors"], "error_kinds": others}


# ---------------------------------------------------------------------------------------------
# 2. Malformed requests, each on its own raw connection

CLOSED, RESET = "closed", "reset"


def head(path="/api/derive", length=None, method="POST", extra=""):
    lines = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    if length is not None:
        lines += f"Content-Length: {length}\r\n"
    return (lines + extra + "Connection: close\r\n\r\n").encode()


def request(body, path="/api/derive", length=None):
    return head(path, len(body) if length is None else length) + body


def exchange(data, *, half_close=False, chunk=None, pause=0.0, client_timeout=None):
    """Sends `data` (all at once, or `chunk` bytes every `pause` s; with `half_close`, then ends
    the sending side), and reads until the first line of an answer or the end of the connection. Returns the
    status (int), "closed" (the server ended the connection without an answer), "reset", or
    "client timeout" (neither within client_timeout), and how many bytes were sent."""
    client_timeout = client_timeout or READ_TIMEOUT + 30
    s = socket.create_connection(("127.0.0.1", PORT), timeout=client_timeout)
    sent = 0
    try:
        try:
            if chunk:
                for i in range(0, len(data), chunk):
                    s.sendall(data[i:i + chunk])
                    sent += len(data[i:i + chunk])
                    time.sleep(pause)
            else:
                s.sendall(data)
                sent = len(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (413) or closed before taking everything: read what it said
        reply = b""
        while b"\r\n" not in reply:
            try:
                part = s.recv(4096)
            except ConnectionResetError:
                return (RESET if not reply else CLOSED), sent
            except socket.timeout:
                return "client timeout", sent
            if not part:
                return CLOSED, sent
            reply += part
        fields = reply.split(b" ")
        return (int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else "garbled"), sent
    finally:
        s.close()


def kinds(rng):
    """name: (count, make the attempt, acceptable outcomes)."""
    def json_body(obj):
        return json.dumps(obj).encode()

    def garbage():
        return request(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))))

    def wrong_json():
        bodies = [b"[1, 2, 3]", b'"R\'*R"', b"null", b"42", b'{"expression": 5, "wrt": "x"}',
                  b'{"expression": "x", "wrt": ["x"]}', b'{"factors": [1, 2, {}]}', b'{"wrt": "x"}',
                  b'{"expression": "x", "claimFile": "/etc/passwd"}', b'{"expression": "x", "wrt": "x", "seed": -1}',
                  b'{"expression": "x", "wrt": "x", "order": 1e400}', b'{"expression": "x", "wrt": "x", "check": "yes"}']
        return request(rng.choice(bodies), path=rng.choice(["/api/derive", "/api/check", "/api/chain"]))

    def absurd():
        size = lambda: 10 ** rng.randrange(3, 30)
        return request(json_body({"expression": "X*X", "wrt": "X", "dims": f"X={size()}x{size()}"}))

    def bad_expression():
        texts = ["(" * rng.randrange(1, 3000), "X" + "'" * rng.randrange(1, 3000), "1e999*x", "x+" * 2000 + "x",
                 "\u00e9\u2200\u2211(x)", "x**x", "kron(" * 500, "sum(" * 1500 + "x" + ")" * 1500]
        return request(json_body({"expression": rng.choice(texts), "wrt": "x", "dims": "x=2x1"}))

    ok_body = json_body({"expression": "x'*x", "wrt": "x", "dims": "x=2x1"})
    return {
        "garbage JSON": (100, lambda: exchange(garbage()), {400}),
        "JSON not the request": (100, lambda: exchange(wrong_json()), {400}),
        # These reach a computation: 503 when --max-concurrent computations run (documented).
        "absurd sizes": (100, lambda: exchange(absurd()), {400, 503}),
        "bad expression": (100, lambda: exchange(bad_expression()), {400, 503}),
        "huge body declared": (50, lambda: exchange(head(length=rng.choice([5 << 20, 10 ** 9, 10 ** 15])) + b"{"), {413}),
        "huge body sent": (30, lambda: exchange(request(b"{" + b" " * (5 << 20) + b"}")), {413, RESET, CLOSED}),
        "Content-Length too long (body ends)": (
            80, lambda: exchange(request(b'{"expression": "x"', length=500), half_close=True), {400, CLOSED}),
        "Content-Length too short": (50, lambda: exchange(request(ok_body + b"garbage" * 10, length=10)), {400}),
        "Content-Length not a number": (
            40, lambda: exchange(head(extra=rng.choice(["Content-Length: abc\r\n", "Content-Length: -5\r\n",
                                                        "Content-Length: 5\r\nContent-Length: 7\r\n"])) + b"{}"),
            {400, CLOSED}),
        "truncated head": (
            80, lambda: exchange(head()[: rng.randrange(1, 60)], half_close=True), {400, CLOSED}),
        "bad method": (
            50, lambda: exchange(head(method=rng.choice(["GET", "PUT", "DELETE", "PATCH", "BREW", "OPTIONS"]), length=2) + b"{}"),
            {400, 404, 405}),
        "bad path": (
            50, lambda: exchange(request(ok_body, path=rng.choice(
                ["/api/../../etc/passwd", "/api/derive%00", "/api/derive/x", "/nope", "/" + "a" * 20000, "/api/%zz"]))),
            {400, 404, 414, 431, CLOSED}),
        "broken HTTP": (40, lambda: exchange(bytes(rng.randrange(32, 127) for _ in range(200)) + b"\r\n\r\n"), {400, CLOSED}),
        "header flood": (
            20, lambda: exchange(head(length=2, extra="".join(f"X-H{i}: {'v' * 40}\r\n" for i in range(3000))) + b"{}"),
            {400, 431, CLOSED, RESET}),
        "slow sender, valid (8 bytes every 20 ms)": (
            30, lambda: exchange(request(ok_body), chunk=8, pause=0.02), {200, 503}),
        "slowloris (half a head, then nothing)": (
            50, lambda: exchange(head()[:30]), {CLOSED, RESET}),
        "dribbled body (a byte every 0.2 s)": (
            30, lambda: dribble(ok_body),
            {CLOSED, RESET, 400}),
    }


def dribble(body):
    """A whole head, then the body a byte every 0.2 s: the server must close the connection at
    --read-timeout, long before the body ends (its bytes take 0.2 s × length)."""
    padded = body + b" " * 200
    s = socket.create_connection(("127.0.0.1", PORT), timeout=READ_TIMEOUT + 30)
    try:
        s.sendall(head(length=len(padded)))
        for k in range(len(padded)):
            try:
                s.sendall(padded[k:k + 1])
            except (BrokenPipeError, ConnectionResetError):
                return RESET, k
            s.settimeout(0.2)
            try:
                part = s.recv(4096)
                if not part:
                    return CLOSED, k
                fields = part.split(b" ")
                return (int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else "garbled"), k
            except socket.timeout:
                pass
            except ConnectionResetError:
                return RESET, k
        return "sent whole body", len(padded)
    finally:
        s.close()


def malformed(port, server):
    rng = random.Random(7)
    table = kinds(rng)
    scale = MALFORMED / sum(n for n, _, _ in table.values())
    plan = [name for name, (n, _, _) in table.items() for _ in range(max(1, round(n * scale)))]
    outcomes, lock = {}, threading.Lock()
    durations = {}

    def one(name):
        _, attempt, _ = table[name]
        t0 = time.perf_counter()
        try:
            outcome, _ = attempt()
        except Exception as e:  # a client-side failure is an outcome: the worker goes on
            outcome = "client error " + type(e).__name__
        dt = time.perf_counter() - t0
        with lock:
            outcomes.setdefault(name, {}).setdefault(str(outcome), 0)
            outcomes[name][str(outcome)] += 1
            durations.setdefault(name, []).append(dt)

    slow = {name for name in table if name.startswith(("slowloris", "dribbled"))}
    fast = [n for n in plan if n not in slow]
    rng.shuffle(fast)
    rss_before = rss_kib(server.pid)
    t0 = time.time()
    # The slow senders all at once (each holds a connection until the server closes it), the rest
    # from 16 workers meanwhile; halfway into the stall, a derive on a new connection.
    slow_threads = [threading.Thread(target=one, args=(n,)) for n in plan if n in slow]
    for t in slow_threads: t.start()
    chunks = [fast[i::16] for i in range(16)]
    workers = [threading.Thread(target=lambda c=c: [one(n) for n in c]) for c in chunks]
    for t in workers: t.start()
    time.sleep(READ_TIMEOUT / 2)
    during = derive_status(port)
    for t in workers + slow_threads: t.join()
    elapsed = time.time() - t0
    sent = sum(sum(v.values()) for v in outcomes.values())
    unexpected = {}
    for name, counts in outcomes.items():
        accepted = {str(x) for x in table[name][2]}
        bad = {k: v for k, v in counts.items() if k not in accepted}
        if bad:
            unexpected[name] = bad
    closing = {n: [round(min(durations[n]), 2), round(max(durations[n]), 2)] for n in slow if n in durations}
    return {"requests": sent, "seconds": round(elapsed, 1), "outcomes": outcomes,
            "unexpected": unexpected, "unexpected_count": sum(sum(v.values()) for v in unexpected.values()),
            "slow_senders_closed_after_s_min_max": closing, "derive_during_stalls": during,
            "derive_after": derive_status(port), "server_rss_kib_before_after": [rss_before, rss_kib(server.pid)]}


def main():
    global PORT
    server, PORT = start_server()
    result = {"read_timeout_s": READ_TIMEOUT, "load_avg_1_5_15_at_start": list(os.getloadavg())}
    try:
        if "--skip-load" not in sys.argv:
            result["load"] = load(PORT)
        if "--skip-malformed" not in sys.argv:
            result["malformed"] = malformed(PORT, server)
        result["server_alive"] = server.poll() is None
        result["load_avg_1_5_15_at_end"] = list(os.getloadavg())
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
