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
# the tests' SIP phone; mosquitto and radicale: the MQTT and CardDAV tests' real servers.
# libpocketsphinx3: the native build of the recogniser (speech.soundswallower.runtime).
missing=()
for p in flite sox espeak-ng curl mmdebstrap ca-certificates chromium sip-tester mosquitto radicale libpocketsphinx3; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || { log "error: Node.js 20 or newer is needed (found ${node_major})"; exit 1; }

# better-sqlite3 has no prebuilt binary it can fetch here (GitHub is out of reach), so npm ci
# compiles it: about two minutes on two cores. The first compile on this machine is kept where
# its installer looks for a cached prebuilt (npm's cache, _prebuilds), so a fresh clone unpacks
# it instead; anything that does not match (another version, another Node) compiles again.
keep_native_build() {
  local built=node_modules/better-sqlite3/build/Release/better_sqlite3.node cached
  [ -f "$built" ] || return 0
  cached=$(node -e '
    const pkg = require("./node_modules/better-sqlite3/package.json");
    const opts = { ...require("./node_modules/prebuild-install/rc.js")(pkg), pkg };
    const util = require("./node_modules/prebuild-install/util.js");
    console.log(util.cachedPrebuild(util.getDownloadUrl(opts)));') || return 0
  [ -f "$cached" ] && return 0
  mkdir -p "$(dirname "$cached")"
  tar -czf "$cached.tmp" -C node_modules/better-sqlite3 build/Release/better_sqlite3.node && mv "$cached.tmp" "$cached"
  log "kept the better-sqlite3 build for later clones: $cached"
}

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.doorman-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
  keep_native_build
fi
log "building"
npm run -s build

scripts/asterisk.sh install
