#!/usr/bin/env bash
# test.sh runs the tests as a three-driver matrix, each leg with a Vulkan device required (a GPU test
# that finds none fails) and validation on:
#
#   lavapipe-512  lavapipe at 512-bit vectors (subgroup 16): every package, every test
#   lavapipe-256  lavapipe at 256-bit vectors (subgroup 8):  the GPU suites
#   swiftshader   SwiftShader (subgroup 4):                  the GPU suites
#
# The GPU suites are the gpu package, every kernel's full shape table (layers/vk), train's
# GPU-versus-CPU, micro-batch and TinyTV tests, and cmd/classify. Each leg runs on one driver only
# (VK_ICD_FILENAMES names its manifest), prints its device and subgroup size and checks that they are
# the leg's, and ends with a summary line; a leg with a failure, a skip or the wrong device fails the
# whole run.
#
#   scripts/test.sh                 all three legs
#   scripts/test.sh swiftshader     the named legs only (TEST_LEGS="a b" does the same)
set -uo pipefail
cd "$(dirname "$0")/.."
export ALEXNET_REQUIRE_GPU=1 ALEXNET_VALIDATION=1
unset ALEXNET_DEVICE LP_NATIVE_VECTOR_WIDTH VK_DRIVER_FILES

source scripts/gpu_suites.sh
swiftshader_icd=${SWIFTSHADER_ICD:-/usr/lib/chromium/vk_swiftshader_icd.json}
lavapipe_icd=${LAVAPIPE_ICD:-$(ls /usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null | head -1)}

legs=("$@")
[ ${#legs[@]} -gt 0 ] || read -r -a legs <<<"${TEST_LEGS:-lavapipe-512 lavapipe-256 swiftshader}"

summary=()
failures=()
status=0
total_pass=0 total_fail=0 total_skip=0
start_all=$(date +%s)

# leg NAME ICD WIDTH WANT_NAME WANT_SUBGROUP FULL: runs one leg; FULL=1 runs every package.
leg() {
  local name=$1 icd=$2 width=$3 want_name=$4 want_sg=$5 full=$6
  local log rc=0 start pass fail skip dev sg verdict
  echo "=== leg $name"
  if [ -z "$icd" ] || [ ! -f "$icd" ]; then
    echo "leg $name: the driver manifest ${icd:-lvp_icd*.json (lavapipe)} is missing: run \`make setup\`"
    summary+=("$name: not run (driver missing)")
    status=1
    return
  fi
  log=$(mktemp)
  start=$(date +%s)
  local TIMEFORMAT='%U %S' # CPU seconds of the leg: a figure that moves less than wall time when others share the machine
  { time (
    export VK_ICD_FILENAMES=$icd
    [ -z "$width" ] || export LP_NATIVE_VECTOR_WIDTH=$width
    if [ "$full" = 1 ]; then
      go test -count=1 -timeout 25m -v ./... >"$log" 2>&1
    else
      go test -count=1 -timeout 25m -v "${gpu_pkgs[@]}" >"$log" 2>&1
      r1=$?
      go test -count=1 -timeout 25m -v -run "$train_gpu_tests" ./train >>"$log" 2>&1
      r2=$?
      [ $r1 = 0 ] && [ $r2 = 0 ]
    fi
  ) ; } 2>"$log.cpu"
  rc=$?
  local secs=$(( $(date +%s) - start )) cpu
  cpu=$(awk '{printf "%d", $1 + $2}' "$log.cpu")
  if [ "$rc" = 0 ]; then
    grep -E '^(ok|FAIL)' "$log"
  else # the failures with their logs
    grep -E '^(ok|FAIL|---|panic:)|^\s+--- FAIL|^\s+\S+_test\.go:[0-9]+:' "$log" | grep -v -- '--- PASS' |
      grep -v -E '^\s+\S+_test\.go:[0-9]+: (device|caught)' | tail -200
  fi
  pass=$(grep -c -E '^\s*--- PASS' "$log")
  fail=$(grep -c -E '^\s*--- FAIL' "$log")
  skip=$(grep -c -E '^\s*--- SKIP' "$log")
  if [ "$skip" -gt 0 ]; then
    echo "skipped tests:"; grep -E -A1 '^\s*--- SKIP' "$log" | head -40
  fi
  # TestDeviceInfo (package gpu, in every leg) logs the device the leg's tests opened.
  dev=$(grep -m1 -oE 'device: .*subgroup [0-9]+' "$log" | sed 's/^device: //')
  sg=$(sed -E 's/.*subgroup ([0-9]+)$/\1/' <<<"$dev")
  echo "leg $name device: ${dev:-(none reported)}"
  verdict=ok
  if [ -z "$dev" ] || [[ "$dev" != *"$want_name"* ]] || [ "$sg" != "$want_sg" ]; then
    echo "leg $name: wanted a device named *$want_name* with subgroup size $want_sg"
    verdict=FAIL rc=1
  fi
  [ "$rc" = 0 ] && [ "$fail" = 0 ] && [ "$skip" = 0 ] || verdict=FAIL
  # The failed tests and packages by name, repeated in the matrix at the end, where a log's tail shows them.
  local failed
  failed=$( { grep -E '^\s*--- FAIL' "$log" | sed -E 's/^\s*--- FAIL: ([^ ]+).*/\1/'
    grep -E '^FAIL\s+\S+' "$log" | awk '{print "package " $2}'
    grep -E '^panic:' "$log" | head -3; } | head -20 | paste -sd' ' -)
  [ -z "$failed" ] || failures+=("$name: $failed")
  rm -f "$log" "$log.cpu"
  summary+=("$(printf '%-4s %-13s %4d passed, %d failed, %d skipped in %4ds (CPU %4ds)  %s, subgroup %s' \
    "$verdict" "$name" "$pass" "$fail" "$skip" "$secs" "$cpu" "${want_name}" "${sg:-?}")")
  total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_skip=$((total_skip + skip))
  [ "$verdict" = ok ] || status=1
}

for l in "${legs[@]}"; do
  case $l in
    lavapipe-512) leg "$l" "$lavapipe_icd" 512 "llvmpipe" 16 1 ;;
    lavapipe-256) leg "$l" "$lavapipe_icd" 256 "llvmpipe" 8 0 ;;
    swiftshader)  leg "$l" "$swiftshader_icd" "" "SwiftShader" 4 0 ;;
    *) echo "unknown leg $l (have lavapipe-512, lavapipe-256, swiftshader)"; exit 2 ;;
  esac
done

echo "=== matrix"
printf '%s\n' "${summary[@]}"
echo "tests took $(( $(date +%s) - start_all ))s"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ ${#failures[@]} = 0 ] || printf 'failed in %s\n' "${failures[@]}"
exit $status
