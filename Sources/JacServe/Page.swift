/// The page `jac serve` answers at `/`: HTML, CSS and plain JavaScript, all here, nothing loaded
/// from the network. The derivative arrives as MathML (browsers render it natively), the
/// Jacobian's picture as SVG; the form's state lives in the URL (`#expr=…&wrt=…`), so a link
/// reopens an exercise, and `hide=1` in it (or `jac serve --hide-answer`) hides the answer.
enum Page {
  static let html = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>jac: matrix calculus</title>
    <style>
    \#(css)
    </style>
    </head>
    <body>
    <header><h1>jac</h1><p>Matrix derivatives in numerator layout over column-major vec:
    for F (m×n) of X (a×b), J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j], an (mn)×(ab) matrix.</p></header>
    <main>
    <form id="form" autocomplete="off">
      <label class="wide">Expression or program <textarea id="expr" name="expr" rows="2" spellcheck="false" placeholder="R'*R"></textarea></label>
      <label>with respect to <input id="wrt" name="wrt" placeholder="R"></label>
      <label>sizes <input id="dims" name="dims" placeholder="R=3x2"></label>
      <label>values (optional) <input id="values" name="values" placeholder="R=[1 2; 3 4; 5 6]"></label>
      <label>layout <select id="layout" name="layout">
        <option value="numerator">numerator</option><option value="denominator">denominator</option><option value="shape">shape (gradient)</option>
      </select></label>
      <label class="check"><input type="checkbox" id="steps" name="steps"> derivation steps</label>
      <label class="check"><input type="checkbox" id="fd" name="fd"> check against finite differences</label>
      <label class="check"><input type="checkbox" id="hide" name="hide"> hide the answer (exercise)</label>
      <button type="submit" id="go">Differentiate</button>
    </form>
    <p id="status" role="status"></p>
    <section id="answer" aria-label="derivative">
      <h2>Derivative</h2>
      <div id="derivative" class="math"></div>
      <h2>Picture of the Jacobian</h2>
      <div id="spy"></div>
    </section>
    <section id="claimbox" aria-label="check a claim">
      <h2>Check your derivation</h2>
      <form id="claimform" autocomplete="off">
        <label class="wide">Your claimed derivative <input id="claim" name="claim" spellcheck="false" placeholder="kron(I(2),R')+kron(R',I(2))*K(3,2)"></label>
        <label>in layout <select id="claimlayout" name="claimlayout">
          <option value="numerator">numerator</option><option value="denominator">denominator</option>
          <option value="numerator-rowmajor">numerator, row-major</option><option value="shape">shape (gradient)</option>
        </select></label>
        <button type="submit" id="checkgo">Check</button>
      </form>
      <div id="verdict" class="verdict"></div>
      <ul id="diagnoses"></ul>
      <table id="worst"></table>
    </section>
    <section id="chainbox" aria-label="chain cost">
      <h2>Cost of a chain of Jacobians</h2>
      <form id="chainform" autocomplete="off">
        <label class="wide">Factors J1 … Jk <input id="factors" name="factors" spellcheck="false" placeholder="10x100 100x5 5x50"></label>
        <button type="submit" id="chaingo">Cost</button>
      </form>
      <div id="chain"></div>
    </section>
    </main>
    <footer>Served by <code>jac serve</code>; the API is described at <a href="/openapi.json">/openapi.json</a>.</footer>
    <script>
    \#(script)
    </script>
    </body>
    </html>
    """#

  static let css = #"""
    body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
    header h1 { margin: 0; font-size: 1.6rem; } header p { margin: .3rem 0 1rem; color: #444; }
    form { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
    label { display: flex; flex-direction: column; font-size: .85rem; color: #333; }
    label.wide { flex: 1 1 100%; } label.check { flex-direction: row; gap: .3rem; align-items: center; }
    input, textarea, select { font: 1rem ui-monospace, monospace; padding: .3rem; border: 1px solid #999; border-radius: 4px; }
    button { font-size: 1rem; padding: .4rem 1rem; border-radius: 4px; border: 1px solid #2557a7; background: #2f6fd0; color: white; cursor: pointer; }
    section { margin-top: 1.2rem; border-top: 1px solid #ddd; } h2 { font-size: 1.1rem; }
    .math math { font-size: 1.25rem; } .math math[display="block"] { display: block math; margin: .6rem 0; } .math p { margin: .4rem 0; }
    #chain table { margin-top: .5rem; font-size: .85rem; }
    #spy svg { max-width: 100%; height: auto; }
    .verdict { font-weight: 600; padding: .4rem .6rem; border-radius: 4px; }
    .verdict.holds { background: #e3f4e1; color: #1d5c17; } .verdict.wrong { background: #fbe4e4; color: #8a1010; }
    #status.error { color: #8a1010; } table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2rem .5rem; text-align: right; }
    body.hidden #answer { display: none; }
    footer { margin-top: 2rem; font-size: .8rem; color: #666; }
    """#

  static let script = #"""
    "use strict";
    const $ = (id) => document.getElementById(id);
    const fields = ["expr", "wrt", "dims", "values", "layout", "steps", "fd", "hide", "claim", "claimlayout", "factors"];

    function readState() {
      const params = new URLSearchParams(location.hash.slice(1));
      for (const f of fields) {
        const el = $(f); if (!params.has(f)) continue;
        if (el.type === "checkbox") el.checked = params.get(f) === "1"; else el.value = params.get(f);
      }
    }
    function writeState() {
      const params = new URLSearchParams();
      for (const f of fields) {
        const el = $(f);
        if (el.type === "checkbox") { if (el.checked) params.set(f, "1"); } else if (el.value) params.set(f, el.value);
      }
      history.replaceState(null, "", "#" + params.toString());
    }
    function say(text, isError) { $("status").textContent = text; $("status").className = isError ? "error" : ""; }

    // The notes of the last call (how jac read the expression: "/ binds more loosely than *
    // here, so 1/2*norm(x)^2 is read as 1/(2*norm(x)^2)…"), from the X-Jac-Warnings header.
    let notes = "";
    async function call(path, body) {
      const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const header = response.headers.get("X-Jac-Warnings");
      try { notes = header ? decodeURIComponent(header) : ""; } catch (e) { notes = header; }
      notes = notes.split(" | ").filter((n) => n).map((n) => n.replace(/^note: /, "")).join(" ");
      const text = await response.text();
      if (!response.ok) {
        let sentence = text;
        try { sentence = JSON.parse(text).error; } catch (e) {}
        throw new Error(sentence);
      }
      return text;
    }
    function point() {
      const p = { expression: $("expr").value, wrt: $("wrt").value };
      if ($("dims").value) p.dims = $("dims").value;
      if ($("values").value) p.values = $("values").value;
      return p;
    }
    let serverHides = false;
    function hiding() { return serverHides || $("hide").checked; }

    async function derive() {
      writeState();
      document.body.classList.toggle("hidden", hiding());
      if (hiding()) { say("The answer is hidden: check your own derivation below."); return; }
      say("Differentiating…");
      const body = Object.assign(point(), { layout: $("layout").value, format: "mathml" });
      if ($("steps").checked) body.steps = true;
      if ($("fd").checked) body.check = true;
      try {
        $("derivative").innerHTML = await call("/api/derive", body);
        say(notes ? "Note: " + notes : "");
        try { $("spy").innerHTML = await call("/api/spy", point()); } catch (e) { $("spy").textContent = e.message; }
      } catch (e) { $("derivative").innerHTML = ""; $("spy").innerHTML = ""; say(e.message, true); }
    }

    async function check() {
      writeState();
      $("verdict").textContent = "Checking…"; $("verdict").className = "verdict";
      $("diagnoses").innerHTML = ""; $("worst").innerHTML = "";
      const body = Object.assign(point(), { claim: [$("claim").value], layout: $("claimlayout").value });
      if (hiding()) body.hideAnswer = true;
      try {
        const r = JSON.parse(await call("/api/check", body));
        if (notes) say("Note: " + notes);
        const v = $("verdict");
        v.textContent = (r.holds ? "✓ " : "✗ ") + r.verdict; v.className = "verdict " + (r.holds ? "holds" : "wrong");
        for (const d of r.diagnoses || []) { const li = document.createElement("li"); li.textContent = d.text; $("diagnoses").appendChild(li); }
        if (r.worst && r.worst.length) {
          const t = $("worst"); const head = t.insertRow(); head.innerHTML = "<th>entry</th><th>expected</th><th>claimed</th>";
          for (const w of r.worst) {
            const row = t.insertRow();
            row.insertCell().textContent = "∂F[" + w.output + "]/∂" + $("wrt").value + "[" + w.input + "]";
            row.insertCell().textContent = Number(w.expected).toPrecision(4);
            row.insertCell().textContent = Number(w.claimed).toPrecision(4);
          }
        }
      } catch (e) { $("verdict").textContent = e.message; $("verdict").className = "verdict wrong"; }
    }

    async function chain() {
      writeState();
      const factors = $("factors").value.trim().split(/\s+/).filter((s) => s);
      try { $("chain").innerHTML = await call("/api/chain", { factors: factors, format: "mathml" }); }
      catch (e) { $("chain").textContent = e.message; }
    }

    $("form").addEventListener("submit", (e) => { e.preventDefault(); derive(); });
    $("claimform").addEventListener("submit", (e) => { e.preventDefault(); check(); });
    $("chainform").addEventListener("submit", (e) => { e.preventDefault(); chain(); });
    $("hide").addEventListener("change", () => { writeState(); document.body.classList.toggle("hidden", hiding()); });

    window.addEventListener("DOMContentLoaded", async () => {
      readState();
      try { serverHides = (await (await fetch("/openapi.json")).json())["x-jac-hide-answer"] === true; } catch (e) {}
      if (serverHides) { $("hide").checked = true; $("hide").disabled = true; }
      document.body.classList.toggle("hidden", hiding());
      if ($("expr").value && $("wrt").value) await derive();
      if ($("claim").value) await check();
      if ($("factors").value) await chain();
      document.body.dataset.ready = "1";
    });
    """#
}
