#!/usr/bin/env bash
# Every JSON dump outside the tests goes through exctl::dump_json (engine/base/json.hpp),
# which does not throw on invalid UTF-8. Fails, listing them, when a raw .dump( is found.
root=$(cd "$(dirname "$0")/.." && pwd)
found=$(grep -rn --include='*.cpp' --include='*.hpp' '\.dump(' "$root/engine" "$root/chipdb" "$root/cli" "$root/bench" |
  grep -v "^$root/engine/base/json.hpp:")
if [ -n "$found" ]; then
  echo "raw nlohmann dump() (use exctl::dump_json from engine/base/json.hpp):"
  echo "$found"
  exit 1
fi
