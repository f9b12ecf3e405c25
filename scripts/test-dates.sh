#!/usr/bin/env bash
# The tests marked `dates`, once per instant given, all runs at once (each is its own process:
# the pinned clock is set at import), each in Jinan's timezone. Every run's output is kept in a
# log; a failed run's log is printed. Only the test files that mark a test `dates` are collected
# (collecting the whole suite in every run cost more than a third of each run).
# Exit status: 1 if any run failed.
# Usage: scripts/test-dates.sh PYTEST INSTANT...
set -u
pytest_bin=$1
shift
files=$(grep -rlE --include='*.py' 'mark\.dates' tests | sort)
if [ -z "$files" ]; then
	echo "No test is marked dates" >&2
	exit 1
fi
logs=$(mktemp -d)
declare -A pids
for instant in "$@"; do
	# shellcheck disable=SC2086  # $files: one argument per file
	COUNTERDESK_TEST_NOW=$instant TZ=Asia/Shanghai "$pytest_bin" -q -p no:cacheprovider -m dates $files \
		>"$logs/$instant.log" 2>&1 &
	pids[$instant]=$!
done
failed=0
for instant in "$@"; do
	if wait "${pids[$instant]}"; then
		echo "Tests marked dates, the clock at $instant (Asia/Shanghai): $(tail -n 1 "$logs/$instant.log")"
	else
		failed=1
		echo "Tests marked dates, the clock at $instant (Asia/Shanghai): FAILED"
		cat "$logs/$instant.log"
	fi
done
rm -rf "$logs"
exit $failed
