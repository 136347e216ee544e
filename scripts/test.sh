#!/usr/bin/env bash
# Runs every test: type check and lint, then unit and integration tests against a real
# Asterisk 22 sandbox (started here if it is not running, and stopped again afterwards).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh

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

# Integration tests one file at a time: they share one Asterisk and the Stasis app name.
# file-guard fails an integration file that leaves a process, channel or bridge behind, or
# finds another Doorman running. The type check, lint and unit tests run beside them, one file
# at a time (a live call mostly waits on the caller, so the second core is free; the
# integration tests are the longer lane): they never use the sandbox, and their processes carry
# DOORMAN_TEST_LANE=unit, which file-guard knows is not a Doorman that could take a call. Their
# report is printed when both are done.
run_tests() {
  node --import tsx --import ./test/support/file-guard.ts --test --test-reporter=spec --test-timeout=180000 "$@"
}
mkdir -p test-artifacts
unit_log=test-artifacts/unit-tests.log
(
  npm run -s typecheck
  npm run -s lint
  DOORMAN_TEST_LANE=unit run_tests --test-concurrency=1 test/unit/*.test.ts
) >"$unit_log" 2>&1 &
unit=$!
status=0
run_tests --test-concurrency=1 test/integration/*.test.ts || status=$?
unit_status=0
wait "$unit" || unit_status=$?
printf '\n[test] type check, lint and unit tests (%s):\n' "$unit_log"
cat "$unit_log"
[ "$unit_status" = 0 ] || status=$unit_status
exit "$status"
