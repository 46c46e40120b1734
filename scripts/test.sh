#!/usr/bin/env bash
# test.sh runs every Go test with a Vulkan device required (a GPU test that finds none fails) and
# validation on, then prints a one-line summary.
set -uo pipefail
cd "$(dirname "$0")/.."
export ALEXNET_REQUIRE_GPU=1 ALEXNET_VALIDATION=1
log=$(mktemp)
start=$(date +%s)
go test -count=1 -timeout 25m -v ./... >"$log" 2>&1
rc=$?
grep -E '^(ok|FAIL|---|panic:)|^\s+--- FAIL|^\s+\S+_test\.go:[0-9]+:' "$log" | grep -v -- '--- PASS' | grep -v -E '^\s+\S+_test\.go:[0-9]+: (device|caught)' | tail -200
pass=$(grep -c -E '^\s*--- PASS' "$log")
fail=$(grep -c -E '^\s*--- FAIL' "$log")
skip=$(grep -c -E '^\s*--- SKIP' "$log")
if [ "$skip" -gt 0 ]; then
  echo "skipped tests:"; grep -E -A1 '^\s*--- SKIP' "$log" | head -40
fi
rm -f "$log"
echo "tests took $(( $(date +%s) - start ))s"
echo "$pass passed, $fail failed, $skip skipped"
exit $rc
