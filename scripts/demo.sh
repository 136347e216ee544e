#!/usr/bin/env bash
# Doorman's main job, end to end: brings up the Asterisk sandbox and Doorman (embedded
# defaults), places a simulated call from a caller who asks for someone, and prints where the
# call went. Asterisk stays up afterwards for more calls (`npx doorman call --say FILE.wav`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/asterisk.sh start
eval "$(scripts/asterisk.sh env)"

mkdir -p var
log=var/demo-doorman.log
node dist/cli/main.js start >"$log" 2>&1 &
doorman=$!
trap 'kill "$doorman" 2>/dev/null || true; wait "$doorman" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '"ARI connected"' "$log" && break
  kill -0 "$doorman" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q '"ARI connected"' "$log" || { echo "Doorman did not connect to Asterisk; see $log" >&2; exit 1; }
echo "Doorman is running (log: $log); placing a demo call..."

flite -voice rms -t "Hello, I'd like to speak to Alice Johnson, please." -o var/demo-raw.wav
sox var/demo-raw.wav -r 8000 -c 1 -b 16 -e signed-integer var/demo-caller.wav
# Over SIP: SIPp (Debian sip-tester) calls the sandbox like a phone or trunk, RTP and all.
node dist/cli/main.js call --sip --from +15551234567 --name "Demo Caller" --to 15550001000 --say var/demo-caller.wav --wait 5
echo
echo "What Doorman logged about the call:"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const heard = lines.filter((l) => l.msg === "answer heard").pop();
  const left = lines.filter((l) => l.msg === "call left Doorman").pop();
  const a = heard?.answer ?? {};
  console.log(JSON.stringify({ transcript: a.transcript, outcome: a.outcome, entry: a.entry, candidates: a.candidates,
    verdict: left?.verdict, checks: left?.checks, timings: left?.timings }, null, 2));
  if (left?.verdict?.check === "allowlist")
    console.log("\nThis caller passed the question on an earlier run and was let straight through.\n" +
      "To be asked again: npx doorman list remove +15551234567");' "$log"
echo
echo "Asterisk is still running: scripts/asterisk.sh status | stop. Doorman: npx doorman start"
