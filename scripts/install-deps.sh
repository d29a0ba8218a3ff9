#!/usr/bin/env bash
# Installs the Debian packages given as arguments when any is missing. With --optional
# first, a package that cannot be installed is reported and skipped, not an error.
set -euo pipefail
optional=0
if [ "${1:-}" = "--optional" ]; then
  optional=1
  shift
fi
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ $optional = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "optional, for the chart tests (skipped without them): sudo apt-get install -y ${missing[*]}" >&2
    exit 0
  fi
  echo "installing (optional): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || { echo "apt-get update failed: the browser tests will be skipped" >&2; exit 0; }
  # One at a time: a package that conflicts with what the machine has (Debian's npm beside a
  # Node.js that bundles its own) must not keep the others (chromium) out.
  for pkg in "${missing[@]}"; do
    apt-get install -y -q --no-install-recommends "$pkg" ||
      echo "could not install $pkg: the tests that need it will be skipped" >&2
  done
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "exctl needs these Debian packages, which are not installed: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
