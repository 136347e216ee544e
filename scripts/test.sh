#!/usr/bin/env bash
# Runs every test: type check and lint, then unit and integration tests against a real
# Asterisk 22 sandbox (started here if it is not running, and stopped again afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
npm run -s typecheck
npm run -s lint

# Another Doorman, demo or benchmark still running against the sandbox would take the tests'
# calls and load the machine: say so, loudly, before the tests start.
if others=$(pgrep -af 'doorman|bench/' | grep -v -e "^$$ " -e 'scripts/test.sh' -e pgrep -e doorman-asterisk); then
  printf '[test] warning: processes that may use the Asterisk sandbox are running:\n%s\n' "$others" >&2
fi

# A sandbox left running is restarted, so it runs this checkout's docker/asterisk config.
started=""
if scripts/asterisk.sh status >/dev/null 2>&1; then
  scripts/asterisk.sh restart
else
  scripts/asterisk.sh start
  started=yes
fi
cleanup() { [ -z "$started" ] || scripts/asterisk.sh stop; }
trap cleanup EXIT
eval "$(scripts/asterisk.sh env)"
eval "$(scripts/databases.sh ensure)"

# Unit tests two files at a time (this machine has two cores; they share nothing). Integration
# tests one file at a time: they share one Asterisk and the Stasis app name. file-guard fails an
# integration file that leaves a process, channel or bridge behind, or finds another Doorman
# running.
run_tests() {
  node --import tsx --import ./test/support/file-guard.ts --test --test-reporter=spec --test-timeout=180000 "$@"
}
status=0
run_tests --test-concurrency=2 test/unit/*.test.ts || status=$?
run_tests --test-concurrency=1 test/integration/*.test.ts || status=$?
exit "$status"
