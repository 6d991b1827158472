#!/usr/bin/env bash
# Install what the browser tests need, when it is missing: Debian's Chromium and, from npm,
# axe-core (pinned in package-lock.json). Safe to run again: it does nothing when
# everything is there. Installing packages needs root, or sudo without a password.
# The Python side (playwright) comes with the dev extras: pip install -e '.[dev]'.
# Never run `playwright install`: the tests drive the system's Chromium and download no
# browser. To use another Chromium-based browser, set OPENRECORD_CHROMIUM to its path.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "tests/browser/setup.sh: run as root to install: $*" >&2
    exit 1
  fi
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if [ ! -x "${OPENRECORD_CHROMIUM:-/usr/bin/chromium}" ]; then
  apt_install chromium
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  npm ci --no-audit --no-fund --ignore-scripts
fi
