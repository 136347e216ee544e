#!/usr/bin/env bash
# Everything Doorman's demo and tests need on a fresh Debian 12 machine, idempotent and quick
# when already done: Debian packages, npm dependencies, the build, the Asterisk sandbox.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "error: needs root (apt-get, chroot for the Asterisk sandbox)"; exit 1; }

# flite + sox: prompts and simulated callers' speech; espeak-ng: pronunciations of names the
# recogniser's dictionary lacks; curl + mmdebstrap: the sandbox; chromium: the web app's browser
# tests (playwright-core drives it; it never downloads a browser of its own); sip-tester (SIPp):
# the tests' SIP phone.
missing=()
for p in flite sox espeak-ng curl mmdebstrap ca-certificates chromium sip-tester; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || { log "error: Node.js 20 or newer is needed (found ${node_major})"; exit 1; }

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.doorman-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
log "building"
npm run -s build

scripts/asterisk.sh install
