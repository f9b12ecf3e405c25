#!/usr/bin/env bash
# The whole suite as `make test` runs it: the tests on WORKERS pytest-xdist workers and, at the
# same time, the tests marked `dates` again at each instant given, one run after the other at a
# lower priority (nice 5): the workers leave a core idle for part of the run (the tests that
# wait for a process, a port or the one pcscd), and the date runs fill it instead of running
# after the suite. The date runs' report follows the suite's.
# Exit status: 1 if the suite or any date run failed.
# Usage: scripts/test-suite.sh BIN WORKERS INSTANT...
set -u
bin=$1
workers=$2
shift 2
dates_log=$(mktemp)
DATES_JOBS=1 nice -n 5 scripts/test-dates.sh "$bin/pytest" "$@" >"$dates_log" 2>&1 &
dates=$!
"$bin/pytest" -q -n "$workers" --dist loadgroup
suite=$?
if ! wait "$dates"; then
	suite=1
fi
cat "$dates_log"
rm -f "$dates_log"
exit $(( suite != 0 ))
