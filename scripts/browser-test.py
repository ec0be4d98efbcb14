#!/usr/bin/env python3
"""The jac serve page in a real browser (headless Chromium, driven over the DevTools protocol).

Starts `JAC serve --port 0`, opens the page, types R'*R, R and R=3x2 into the form as a user
would (Input.insertText into the focused field), presses Differentiate, and asserts on the
rendered DOM: the derivative is a MathML <math> element with a rendered height, containing the
Kronecker form; then types a wrong claim, presses Check, and asserts the verdict says WRONG with
a diagnosis. Writes a screenshot (PNG) to --screenshot FILE when given; otherwise it is only checked to be a PNG.
Leaves nothing behind in the temporary folder it works in.

Usage: scripts/browser-test.py .build/debug/jac [--screenshot docs/images/serve.png]
Chromium is installed by scripts/ensure-chromium.sh; where it cannot be, the test says so and
skips (exit 0).
"""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

def fail(message):
    print(f"browser test FAILED: {message}", file=sys.stderr)
    sys.exit(1)

class DevTools:
    """A minimal WebSocket client (RFC 6455, text frames) for one DevTools target."""
    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk: fail("the DevTools WebSocket closed during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]: fail(f"DevTools refused the WebSocket: {head[:80]!r}")
        self.next_id = 0

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk: fail("the DevTools WebSocket closed")
            data += chunk
        return data

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126: header += bytes([0x80 | n])
        elif n < 65536: header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else: header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _recv(self):
        message = b""
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126: n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127: n = struct.unpack(">Q", self._recv_exact(8))[0]
            data = self._recv_exact(n)
            message += data
            if b0 & 0x80: return message.decode()

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._recv())
            if reply.get("id") == self.next_id:
                if "error" in reply: fail(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r: fail(f"page script error in {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression, what, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.evaluate(expression): return
            time.sleep(0.1)
        fail(f"timed out waiting for {what}")

    def type_into(self, element_id, text):
        self.evaluate(f"document.getElementById({json.dumps(element_id)}).focus()")
        self.call("Input.insertText", text=text)

def main():
    if len(sys.argv) < 2: fail("usage: browser-test.py JAC [--screenshot FILE]")
    jac = sys.argv[1]
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    here = os.path.dirname(os.path.abspath(__file__))
    if subprocess.run([os.path.join(here, "ensure-chromium.sh")]).returncode != 0 or not shutil.which("chromium"):
        print("browser test SKIPPED: chromium is not installed and could not be (see above)", file=sys.stderr)
        return
    work = tempfile.mkdtemp(prefix="jac-browser-")
    server = subprocess.Popen([jac, "serve", "--port", "0", "--quiet"], stderr=subprocess.PIPE, text=True)
    browser = None
    try:
        line = server.stderr.readline()
        if "listening on " not in line: fail(f"jac serve did not start: {line!r}")
        url = line.split("listening on ")[1].split()[0]
        browser = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={work}",
             "--window-size=1100,1400", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(work, "DevToolsActivePort")
        deadline = time.time() + 60
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or browser.poll() is not None: fail("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t.get("type") == "page")
        tab = DevTools(page["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        tab.call("Page.navigate", url=url)
        tab.wait_for("document.body && document.body.dataset.ready === '1'", "the page to load")

        # A student types the exercise and presses Differentiate.
        tab.type_into("expr", "R'*R")
        tab.type_into("wrt", "R")
        tab.type_into("dims", "R=3x2")
        tab.evaluate("document.getElementById('go').click()")
        tab.wait_for("document.querySelectorAll('#derivative math').length >= 2", "the MathML derivative")
        tab.wait_for("document.querySelectorAll('#spy svg rect').length > 0", "the spy picture")
        math = tab.evaluate("""(() => {
            const all = [...document.querySelectorAll('#derivative math')];
            const j = all.find((m) => m.textContent.includes('⊗'));
            if (!j) return null;
            const box = j.getBoundingClientRect();
            return {ns: j.namespaceURI, text: j.textContent, height: box.height, width: box.width,
                    hash: location.hash, spy: document.querySelectorAll('#spy svg rect').length};
        })()""")
        if not math: fail("no MathML element with a Kronecker product in the derivative")
        if math["ns"] != "http://www.w3.org/1998/Math/MathML": fail(f"the derivative is not MathML: {math['ns']}")
        for piece in ["⊗", "R", "K", "3,2"]:
            if piece not in math["text"].replace(" ", ""): fail(f"the derivative {math['text']!r} lacks {piece!r}")
        if not (math["height"] > 5 and math["width"] > 50): fail(f"the MathML is not rendered: {math}")
        if "expr=" not in math["hash"] or "dims=R%3D3x2" not in math["hash"]: fail(f"the state is not in the URL: {math['hash']}")
        if math["spy"] < 10: fail("the spy picture has no cells")

        # A wrong claim: the path through Rᵀ forgotten.
        tab.type_into("claim", "kron(I(2),R')")
        tab.evaluate("document.getElementById('checkgo').click()")
        tab.wait_for("document.getElementById('verdict').className.includes('wrong') || document.getElementById('verdict').className.includes('holds')", "the verdict")
        verdict = tab.evaluate("({text: document.getElementById('verdict').textContent, cls: document.getElementById('verdict').className,"
                               " diagnoses: [...document.querySelectorAll('#diagnoses li')].map((li) => li.textContent)})")
        if "wrong" not in verdict["cls"] or "WRONG" not in verdict["text"]: fail(f"the wrong claim was not judged wrong: {verdict}")
        if not any("misses the term" in d for d in verdict["diagnoses"]): fail(f"no diagnosis of the missing term: {verdict}")

        # How jac reads 1/2*norm(x)^2 (the contract's / binds more loosely than *): the page says so.
        for field in ["expr", "wrt", "dims"]:
            tab.evaluate(f"document.getElementById({json.dumps(field)}).value = ''")
        tab.type_into("expr", "1/2*norm(x)^2")
        tab.type_into("wrt", "x")
        tab.type_into("dims", "x=3x1")
        tab.evaluate("document.getElementById('go').click()")
        tab.wait_for("document.getElementById('status').textContent.includes('binds more loosely')", "the note on how / is read")
        note = tab.evaluate("document.getElementById('status').textContent")
        if not note.startswith("Note: / binds more loosely than * here, so 1/2*norm(x)^2 is read as 1/(2*norm(x)^2)"):
            fail(f"the page's note reads {note!r}")

        # The chain-cost table.
        tab.type_into("factors", "10x100 100x5 5x50")
        tab.evaluate("document.getElementById('chaingo').click()")
        tab.wait_for("document.querySelectorAll('#chain table tr').length >= 4", "the chain-cost table")

        shot = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        png = base64.b64decode(shot["data"])
        if not png.startswith(b"\x89PNG\r\n\x1a\n"): fail("the screenshot is not a PNG image")
        if screenshot:
            with open(screenshot, "wb") as f: f.write(png)
        where = screenshot or f"not kept ({len(png)} bytes; give --screenshot FILE to keep it)"
        print(f"browser test passed: MathML derivative {math['text'][:40]!r}… rendered {math['width']:.0f}×{math['height']:.0f} px; "
              f"verdict {verdict['text'][:40]!r}; screenshot {where}")
    finally:
        if browser: browser.terminate(); browser.wait(timeout=10)
        server.terminate(); server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
