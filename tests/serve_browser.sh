#!/usr/bin/env bash
# `exctl serve` in a real browser: headless Chromium (Debian's) driven by puppeteer-core,
# installed by npm into BUILD/browser (ignored with the build). The page is opened on a
# database holding a chip whose name is markup; serve_browser.js moves the sliders, reads
# the charts and panels, opens an explanation and downloads the draft, which `exctl lint`
# must accept. Screenshots stay in BUILD/screenshots. Skipped (exit 77), with the reason,
# without chromium, node or npm, or when npm cannot install puppeteer-core.
set -uo pipefail
exctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
build=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
for tool in node npm python3; do
  command -v $tool >/dev/null || { echo "SKIPPED: $tool is not installed (apt-get install chromium nodejs npm; make test installs them)"; exit 77; }
done
[ -n "$browser" ] || { echo "SKIPPED: chromium is not installed (apt-get install chromium; make test installs it)"; exit 77; }
modules=$build/browser
if [ ! -d "$modules/node_modules/puppeteer-core" ]; then
  mkdir -p "$modules"
  if ! (cd "$modules" && timeout 300 npm install --no-audit --no-fund --loglevel=error \
        puppeteer-core@24.43.1 >npm.log 2>&1); then
    echo "SKIPPED: npm could not install puppeteer-core (no network?): see $modules/npm.log"
    exit 77
  fi
fi
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$build/screenshots" "$work/downloads"

# A chip whose name would run if the page put it in as markup.
sed -e 's/^id = .*/id = "markup-chip"/' \
    -e 's|^name = .*|name = "<img src=x onerror=window.__xss=1><script>window.__xss=2</script>"|' \
    -e 's/^aliases = .*/aliases = []/' "$root/chipdb/chips/nvidia-h20.toml" >"$work/markup.toml"
"$exctl" --db "$work/chips.db" chips import "$work/markup.toml" >/dev/null || { echo "FAIL: chips import"; exit 1; }

"$exctl" --db "$work/chips.db" serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 50); do grep -q http "$work/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out")
[ -n "$url" ] || { echo "FAIL: serve printed no URL"; cat "$work/serve.err"; exit 1; }

status=0
NODE_PATH=$modules/node_modules timeout 180 node "$root/tests/serve_browser.js" "$url" "$browser" \
  "$work/downloads" "$build/screenshots" || status=1
draft=$(ls "$work/downloads"/*.rules 2>/dev/null | head -1)
if [ -z "$draft" ]; then
  echo "FAIL: no draft was downloaded"; status=1
else
  "$exctl" lint "$draft" || { echo "FAIL: exctl lint rejects the downloaded draft"; cat "$draft"; status=1; }
  grep -q "param dram_cap = 4100 GB/s" "$draft" || { echo "FAIL: the draft lacks the moved cap"; cat "$draft"; status=1; }
  cp "$draft" "$build/screenshots/serve-draft.rules"
fi
kill -INT "$server"
wait "$server" || { echo "FAIL: serve did not stop cleanly on SIGINT"; status=1; }
server=""
[ $status = 0 ] && echo "serve_browser: ok (screenshots in $build/screenshots/serve*.png)"
exit $status
