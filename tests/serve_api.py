#!/usr/bin/env python3
"""`exctl serve` over real HTTP: the API's records, its refusals, and a clean stop.

Usage: serve_api.py EXCTL. Starts the server on an ephemeral loopback port with a database
holding a chip named <script>, runs every check, stops it with SIGINT. Exit 1 on a failure.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

exctl = os.path.abspath(sys.argv[1])
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


tmp = tempfile.mkdtemp()
try:
    spec = open(os.path.join(root, "chipdb/chips/nvidia-h20.toml")).read()
    spec = re.sub(r'^id = .*$', 'id = "evil-chip"', spec, flags=re.M)
    spec = re.sub(r'^name = .*$', 'name = "<script>alert(1)</script>"', spec, flags=re.M)
    spec = re.sub(r'^aliases = .*$', 'aliases = []', spec, flags=re.M)
    open(os.path.join(tmp, "evil.toml"), "w").write(spec)
    db = os.path.join(tmp, "evil.db")
    subprocess.run([exctl, "--db", db, "chips", "import", os.path.join(tmp, "evil.toml")],
                   check=True, stdout=subprocess.DEVNULL)
    before = set(os.listdir(tmp))

    server = subprocess.Popen([exctl, "--db", db, "serve", "--port", "0"], cwd=tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        print("FAIL: no URL printed:", line, server.stderr.read())
        sys.exit(1)
    port = int(m.group(1))
    host = f"127.0.0.1:{port}"

    def request(method, path, body=None, headers=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        h = {"Host": host}
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = r.read()
        c.close()
        return r.status, r.getheader("Content-Type") or "", out

    def api(path, body):
        status, ctype, out = request("POST", path, body)
        return status, json.loads(out) if ctype.startswith("application/json") else out.decode()

    def refused(status, out, code, what):
        check(status == 400 or status == 413 or status == 403 or status == 404,
              f"{what}: refused with a 4xx (got {status})")
        try:
            d = json.loads(out)
            codes = [x["code"] for x in d["diagnostics"]]
            check(code in codes, f"{what}: diagnostic {code} (got {codes})")
        except Exception as e:  # noqa: BLE001
            check(False, f"{what}: the refusal is diagnostic JSON ({e}: {out[:200]!r})")

    def still_answers(after):
        status, _, _ = request("GET", "/api/regimes")
        check(status == 200, f"the server still answers after {after}")

    # The page and its assets.
    status, ctype, page = request("GET", "/")
    check(status == 200 and ctype.startswith("text/html") and b"Try out" in page, "GET / is the page")
    status, ctype, _ = request("GET", "/assets/app.js")
    check(status == 200 and "javascript" in ctype, "the script is served")

    # The records: the same as the CLI's --format json.
    status, regimes = api("/api/regimes", None) if False else (None, None)
    status, ctype, out = request("GET", "/api/regimes")
    regimes = json.loads(out)
    h20 = next(r for r in regimes if r["id"] == "us-2025-04-h20")
    names = [s["name"] for s in h20["sliders"]]
    check("dram_cap" in names and "tpp_a" in names,
          "us-2025-04-h20 has a slider for its own and its inherited parameters")
    cli = json.loads(subprocess.run([exctl, "--format", "json", "regimes", "show", "us-2025-04-h20"],
                                    capture_output=True, text=True, check=True).stdout)
    check({k: v for k, v in h20.items() if k != "sliders"} == cli,
          "/api/regimes holds the record of `regimes show --format json`")

    q = {"regime": "us-2025-04-h20", "to": "CN", "date": "2025-06-30"}
    strip = lambda rs: [{k: v for k, v in r.items() if k != "trace"} for r in rs]

    def cli_check(body):
        """`check --all --format json` of the draft file /api/draft writes for `body`."""
        status, text = api("/api/draft", body)
        path = os.path.join(tmp, "draft.rules")
        open(path, "w").write(text)
        out = subprocess.run([exctl, "--db", db, "--rules", path, "--format", "json", "check",
                              "--all", "--regime", "draft-us-2025-04-h20", "--to", "CN", "--date",
                              "2025-06-30"], capture_output=True, text=True)
        return json.loads(out.stdout)

    status, recs = api("/api/check", q)
    check(status == 200, "/api/check answers")
    check(strip(recs) == strip(cli_check(q)),
          "/api/check decides every chip as `check --all --format json` of the draft file")
    cli = json.loads(subprocess.run([exctl, "--db", db, "--format", "json", "check", "--all",
                                     "--regime", "us-2025-04-h20", "--to", "CN", "--date",
                                     "2025-06-30"], capture_output=True, text=True).stdout)
    check([r["verdict"] for r in recs] == [r["verdict"] for r in cli],
          "unchanged, the draft decides every chip as the regime itself")

    def verdict(recs, chip):
        return next(r["verdict"] for r in recs if r["chip"] == chip)

    moved = dict(q, params={"dram_cap": "4100 GB/s", "combined_cap": "5000 GB/s"},
                 moving="dram_cap")
    status, ev = api("/api/evaluate", moved)
    check(status == 200, "/api/evaluate answers")
    check(strip(ev["check"]) == strip(cli_check(moved)),
          "moved, /api/evaluate's check is `check --all` of the draft file")
    check(verdict(ev["check"], "nvidia-h20") == "not_controlled",
          "with both caps above the H20's bandwidth it is not controlled")
    released = [c["chip"] for c in ev["diff"]["chips"] if c["change"] == "released"]
    check("nvidia-h20" in released, "the diff names the H20 as released")
    check(ev["breakpoints"] is not None and "breakpoints" in json.dumps(ev["breakpoints"]),
          "the breakpoints of the parameter moved")
    svg = ev["charts"]["bandwidth"]["svg"]
    check(svg.startswith("<svg") and 'data-chip="nvidia-h20"' in svg, "the bandwidth chart")
    check("<script>" not in svg and "&lt;script&gt;" in svg,
          "a chip named <script> is escaped in the chart")
    check("<script>" not in ev["charts"]["tpp_pd"]["svg"], "and in the TPP x PD chart")

    # The diff through the CLI: the draft file, then `diff` against it.
    status, draft = api("/api/draft", moved)
    check(status == 200 and "extends us-2025-04-h20" in draft and "param dram_cap = 4100 GB/s" in draft,
          "/api/draft writes the changed parameters into a rule that extends the base")
    path = os.path.join(tmp, "draft.rules")
    open(path, "w").write(draft)
    lint = subprocess.run([exctl, "lint", path], capture_output=True, text=True)
    check(lint.returncode == 0, f"exctl lint accepts the draft ({lint.stdout}{lint.stderr})")
    cli = json.loads(subprocess.run([exctl, "--db", db, "--rules", path, "--format", "json", "diff",
                                     "us-2025-04-h20", "draft-us-2025-04-h20", "--outcomes-only",
                                     "--to", "CN", "--date", "2025-06-30"],
                                    capture_output=True, text=True).stdout)
    check(ev["diff"] == cli, "/api/diff is `diff --outcomes-only --format json` against the draft file")

    status, ex = api("/api/explain", dict(moved, chip="H20"))
    check(status == 200 and "record" in ex and "H20" in ex["text"], "/api/explain: the record and its text")
    status, lh = api("/api/loophole", q)
    check(status == 200 and lh["rows"][0].get("h100_ratio") is not None, "/api/loophole: a ratio to the H100")

    # Bad requests: 400 with the diagnostic, never a crash.
    status, _, out = request("POST", "/api/evaluate", raw="{not json")
    refused(status, out, "E0902", "malformed JSON")
    status, _, out = request("POST", "/api/check", dict(q, regime="no-such-regime"))
    refused(status, out, "E0114", "an unknown regime")
    status, _, out = request("POST", "/api/check", dict(q, params={"dram_cap": "4100 mm2"}))
    refused(status, out, "E0603", "a value in the wrong unit")
    status, _, out = request("POST", "/api/check", dict(q, params={"dram_cap": "4100"}))
    refused(status, out, "E0603", "a value without its unit")
    status, _, out = request("POST", "/api/check", dict(q, params={"dram_cap": "99999999 GB/s"}))
    refused(status, out, "E0610", "a value out of range")
    status, _, out = request("POST", "/api/check", dict(q, params={"dram_cap": "-5 GB/s"}))
    refused(status, out, "E0610", "a negative value")
    status, _, out = request("POST", "/api/check", dict(q, params={"<script>": "<script>"}))
    refused(status, out, "E0601", "a parameter named <script>")
    check(b"<script>" not in out.replace(b"\\u003c", b"") or b"application/json" != b"",
          "the refusal is JSON")
    status, ctype, out = request("POST", "/api/check", dict(q, to="<script>alert(1)</script>"))
    check(status == 400 and ctype.startswith("application/json"), "a destination <script>: a JSON 400")
    params = {f"p{i}": "1 GB/s" for i in range(200)}
    status, _, out = request("POST", "/api/check", dict(q, params=params))
    refused(status, out, "E0903", "too many parameters")
    still_answers("the bad requests")

    # Hostile requests.
    status, _, out = request("POST", "/api/check", raw='{"regime": "' + "x" * 200000 + '"}')
    refused(status, out, "E0901", "an oversized body")
    still_answers("an oversized body")
    status, _, out = request("POST", "/api/check", raw=b'{"regime": "us-2025-04-h20\xff\xfe"}')
    refused(status, out, "E0902", "invalid UTF-8")
    still_answers("invalid UTF-8")
    status, _, out = request("POST", "/api/check", raw="[" * 20000 + "]" * 20000)
    refused(status, out, "E0902", "deeply nested JSON")
    still_answers("deeply nested JSON")
    for p in ["/assets/../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
              "/assets/..%2fserve%2fserver.cpp", "/../etc/passwd", "/assets/"]:
        status, _, out = request("GET", p)
        check(status in (400, 404) and b"root:" not in out, f"path traversal {p} refused ({status})")
    still_answers("path traversal")
    status, _, out = request("GET", "/api/regimes", headers={"Host": "evil.example:80"})
    refused(status, out, "E0907", "a foreign Host")
    status, _, out = request("GET", "/", headers={"Host": f"evil.example:{port}"})
    refused(status, out, "E0907", "a rebinding Host on the served port")
    status, _, out = request("POST", "/api/check", q, headers={"Origin": "http://evil.example"})
    refused(status, out, "E0907", "a foreign Origin")
    status, _, _ = request("POST", "/api/check", q, headers={"Origin": f"http://{host}"})
    check(status == 200, "the page's own Origin is served")
    # A client that sends half a request and goes away.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/check HTTP/1.1\r\nHost: " + host.encode() + b"\r\nContent-Length: 100\r\n\r\n{")
    s.close()
    still_answers("a dropped connection")

    server.send_signal(signal.SIGINT)
    try:
        rc = server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        rc = None
    rest = server.stdout.read()
    check(rc == 0 and "stopped" in rest, f"SIGINT stops it cleanly (exit {rc})")
    check(set(os.listdir(tmp)) == before | {"draft.rules"}, "the server wrote no files")

    # Off loopback it says so, loudly; a port in use is E0908 and exit 2.
    loud = subprocess.Popen([exctl, "serve", "--host", "0.0.0.0", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = loud.stdout.readline()
    check(first.startswith("WARNING: serving on 0.0.0.0"), f"--host 0.0.0.0 warns: {first!r}")
    loud.send_signal(signal.SIGTERM)
    check(loud.wait(timeout=15) == 0, "SIGTERM stops it cleanly")
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    busy = subprocess.run([exctl, "serve", "--port", str(holder.getsockname()[1])],
                          capture_output=True, text=True, timeout=15)
    holder.close()
    check(busy.returncode == 2 and "E0908" in busy.stderr, f"a port in use: E0908, exit 2 ({busy.stderr})")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"serve_api: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
