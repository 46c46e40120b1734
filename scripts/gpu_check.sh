#!/usr/bin/env bash
# gpu_check.sh: the check of a real GPU, for a machine with a Vulkan driver and PyTorch but no Go
# toolchain (made for an NVIDIA H100/H200 with the NVIDIA Vulkan driver and PyTorch CUDA). Two steps:
#
#   scripts/gpu_check.sh prepare [DIR]      here, with Go (after `make setup`): builds DIR
#                                           (default bin/gpucheck), a self-contained folder under 64 MiB:
#                                           the GPU suites' test binaries (go test -c) with the files they
#                                           read, bin/bench and bin/devices, the Vulkan loader and the
#                                           Khronos validation layer, bench_pytorch.py and this script.
#   bash DIR/gpu_check.sh run [flags]       there: runs the GPU suites (scripts/gpu_suites.sh) on the GPU
#                                           with validation on, then bench against PyTorch on alexnet-tv
#                                           at batch 128 (training and inference img/s, per-kernel shares)
#                                           and prints one table. Aims at under 8 minutes.
#
# Flags of run:
#   --device SEL        Vulkan device, index or name substring (default: the discrete GPU with most
#                       memory); a CPU device (lavapipe, SwiftShader) is refused unless named here
#   --icd FILE          the driver's ICD manifest (default: the loader's own search, then nvidia_icd.json
#                       under /usr/local/nvidia/share, /usr/share, /etc, /usr/local/share)
#   --torch-device D    PyTorch's device: cuda (default) or cpu
#   --batch N           bench and PyTorch batch (default 128)
#   --steps N           timed steps, each side (default 10)
#   --warmup N          untimed steps first, each side (default 3)
#   --threads N         PyTorch's CPU threads (default: the CPU count)
#   --python PY         the Python with PyTorch (default: python3 on the PATH, else /usr/bin/python3)
#   --budget S          seconds for the whole run; the suites get what the benchmarks leave (default 480)
#   --out DIR           logs, JSON reports and the table (default DIR/results)
#
# The loader and layer come from this machine's Debian packages (libvulkan1, vulkan-validationlayers);
# the binaries need nothing but libc (they link no X11: see internal/headless). Proven end to end on
# lavapipe: scripts/gpu_check.sh prepare && bash bin/gpucheck/gpu_check.sh run --device llvmpipe
# --torch-device cpu --batch 8 --steps 1 --warmup 1.
set -uo pipefail

die() { echo "gpu_check: $*" >&2; exit 1; }

prepare() {
  local dir=${1:-bin/gpucheck}
  cd "$(dirname "$0")/.." || exit 1
  command -v go >/dev/null || die "prepare needs the Go toolchain (run it where the project builds)"
  # shellcheck source=gpu_suites.sh
  source scripts/gpu_suites.sh
  rm -rf "$dir" && mkdir -p "$dir/bin" "$dir/tree" "$dir/lib/layers" || exit 1
  local ld='-s -w' # no symbol tables: the folder must stay small enough to carry
  echo "building bench and devices" >&2
  go build -buildvcs=true -ldflags "$ld" -o "$dir/bin/" ./cmd/bench ./cmd/devices || die "build failed"
  : >"$dir/suites.txt"
  local p name
  # layers/vk, the longest, runs last: when time runs short the others have run.
  for p in $(printf '%s\n' "${gpu_pkgs[@]}" ./train | grep -v '^./layers/vk$') ./layers/vk; do
    p=${p#./}
    name=$(basename "$p")
    echo "building the test binary of $p" >&2
    mkdir -p "$dir/tree/$p"
    go test -c -ldflags "$ld" -o "$dir/tree/$p/$name.test" "./$p" || die "go test -c ./$p failed"
    if [ "$p" = train ]; then
      echo "$p $name.test $train_gpu_tests" >>"$dir/suites.txt"
    else
      echo "$p $name.test ." >>"$dir/suites.txt"
    fi
  done
  # What the tests read, at the same relative places (train: ../weights/testdata; classify:
  # ../../assets/samples).
  mkdir -p "$dir/tree/weights" "$dir/tree/assets"
  cp -r weights/testdata "$dir/tree/weights/" && cp -r assets/samples "$dir/tree/assets/" || exit 1
  # The Vulkan loader and the validation layer (the tests always validate), from this machine.
  local loader layer manifest
  loader=$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')
  [ -n "$loader" ] || loader=/usr/lib/x86_64-linux-gnu/libvulkan.so.1
  manifest=$(ls /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json 2>/dev/null)
  layer=$(ldconfig -p | awk '/libVkLayer_khronos_validation\.so/ {print $NF; exit}')
  [ -f "$loader" ] || die "no Vulkan loader here (make setup installs libvulkan1)"
  [ -n "$manifest" ] && [ -f "$layer" ] || die "no validation layer here (make setup installs vulkan-validationlayers)"
  cp -L "$loader" "$dir/lib/libvulkan.so.1" && cp -L "$layer" "$dir/lib/layers/" || exit 1
  # The manifest names the library bare (found through the linker's path); point it next to itself.
  sed -E 's|"library_path": *"[^"]*"|"library_path": "./'"$(basename "$layer")"'"|' "$manifest" >"$dir/lib/layers/$(basename "$manifest")"
  cp scripts/bench_pytorch.py "$dir/" && cp scripts/gpu_check.sh "$dir/gpu_check.sh" && chmod +x "$dir/gpu_check.sh"
  {
    echo "commit $(git rev-parse HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo +dirty)"
    echo "built $(date -u +%FT%TZ) with $(go version | cut -d' ' -f3) on $(uname -m)"
    echo "loader $(readlink -f "$loader")"
    echo "layer $(readlink -f "$layer")"
  } >"$dir/VERSION"
  local bytes
  bytes=$(du -sb "$dir" | cut -f1)
  echo "prepared $dir: $((bytes / 1048576)) MiB" >&2
  [ "$bytes" -lt $((64 << 20)) ] || die "$dir is $((bytes >> 20)) MiB, over the 64 MiB that can be carried"
  echo "run it there: bash $dir/gpu_check.sh run" >&2
}

# count PATTERN FILE: lines matching (0 when none).
count() { grep -c -E "$1" "$2" 2>/dev/null || true; }

run() {
  local dir device="" icd="" py="" tdev=cuda batch=128 steps=10 warmup=3 budget=480 out="" threads
  dir=$(cd "$(dirname "$0")" && pwd)
  threads=$(nproc 2>/dev/null || echo 4)
  while [ $# -gt 0 ]; do
    case $1 in
      --device) device=$2; shift ;;
      --icd) icd=$2; shift ;;
      --torch-device) tdev=$2; shift ;;
      --batch) batch=$2; shift ;;
      --steps) steps=$2; shift ;;
      --warmup) warmup=$2; shift ;;
      --threads) threads=$2; shift ;;
      --python) py=$2; shift ;;
      --budget) budget=$2; shift ;;
      --out) out=$2; shift ;;
      -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
      *) die "unknown flag $1 (see --help)" ;;
    esac
    shift
  done
  [ -f "$dir/suites.txt" ] || die "$dir is not a prepared folder (run scripts/gpu_check.sh prepare first)"
  [ -z "$icd" ] || [ -f "$icd" ] || die "--icd $icd: no such file (a driver's ICD manifest, e.g. nvidia_icd.json)"
  out=${out:-$dir/results}
  mkdir -p "$out" || exit 1
  local start=$SECONDS
  # Our loader first; then the NVIDIA driver's own folder where it is mounted apart (its manifest
  # names its library bare).
  local libs="$dir/lib" l
  for l in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$l" ] && libs="$libs:$l"; done
  export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export VK_LAYER_PATH="$dir/lib/layers"
  export ALEXNET_REQUIRE_GPU=1 ALEXNET_VALIDATION=1
  # A manifest named goes in VK_DRIVER_FILES and in VK_ICD_FILENAMES, its older name.
  [ -z "$icd" ] || export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd

  # The device, as the tests open it (gpu's TestDeviceInfo logs it): the loader's own search first,
  # then the usual places of the NVIDIA manifest.
  export ALEXNET_DEVICE=$device
  probe() { (cd "$dir/tree/gpu" && ./gpu.test -test.run '^TestDeviceInfo$' -test.v 2>&1) >"$out/probe.log"; }
  if ! probe && [ -z "$icd" ]; then
    local f
    for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
      /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
      [ -f "$f" ] || continue
      export VK_ICD_FILENAMES=$f VK_DRIVER_FILES=$f
      probe && break
    done
  fi
  local info name type subgroup
  info=$(grep -m1 -oE 'device: .*subgroup [0-9]+' "$out/probe.log")
  [ -n "$info" ] || { cat "$out/probe.log"; die "no usable Vulkan device (give the driver's manifest with --icd)"; }
  name=$(sed -E 's/^device: (.*) \((cpu|discrete|integrated|virtual|other), .*/\1/' <<<"$info")
  type=$(sed -E 's/^device: .* \((cpu|discrete|integrated|virtual|other), .*/\1/' <<<"$info")
  subgroup=$(sed -E 's/.*subgroup ([0-9]+)$/\1/' <<<"$info")
  if [ "$type" = cpu ] && [ -z "$device" ]; then
    die "the device found is $name, a CPU; name it with --device to check it anyway"
  fi
  "$dir/bin/devices" ${device:+--device "$device"} >"$out/devices.txt" 2>&1
  echo "device: $name ($type), subgroup size $subgroup; loader $dir/lib/libvulkan.so.1${VK_ICD_FILENAMES:+, driver $VK_ICD_FILENAMES}"

  # The GPU suites, each with the time the benchmarks leave (they get a fixed share of the budget).
  local rows=() suite_budget=$((budget * 5 / 8)) pkg bin re log t0 secs rc pass fail skip status=0
  while read -r pkg bin re; do
    log="$out/test-${pkg//\//_}.log"
    local left=$((suite_budget - (SECONDS - start)))
    [ "$left" -gt 30 ] || left=30
    t0=$SECONDS
    (cd "$dir/tree/$pkg" && timeout -k 10 "$left" "./$bin" -test.count=1 -test.v -test.timeout "${left}s" -test.run "$re") >"$log" 2>&1
    rc=$?
    secs=$((SECONDS - t0))
    pass=$(count '^\s*--- PASS' "$log") fail=$(count '^\s*--- FAIL' "$log") skip=$(count '^\s*--- SKIP' "$log")
    [ "$rc" = 0 ] && [ "$fail" = 0 ] && [ "$skip" = 0 ] || status=1
    [ "$rc" = 124 ] && echo "gpu_check: $pkg ran out of time (${left}s)" >>"$log"
    rows+=("$pkg|$pass|$fail|$skip|$secs|$rc")
    echo "suite $pkg: $pass passed, $fail failed, $skip skipped in ${secs}s (exit $rc); log $log"
    grep -E '^\s*--- FAIL|^panic:|ran out of time' "$log" | head -20
  done <"$dir/suites.txt"

  # bench (throughput without per-command timestamps, then one profiled step for the shares) and PyTorch.
  local ours="$out/bench.json" prof="$out/bench-profile.json" torch="$out/pytorch.json" cand
  if [ -z "$py" ]; then
    for cand in python3 /usr/bin/python3; do
      if command -v "$cand" >/dev/null && "$cand" -c 'import torch' 2>/dev/null; then py=$cand; break; fi
    done
    py=${py:-python3}
  fi
  echo "bench: alexnet-tv batch $batch, $steps steps after $warmup warm-up"
  "$dir/bin/bench" ${device:+--device "$device"} --arch alexnet-tv --batch "$batch" --steps "$steps" --warmup "$warmup" \
    --profile=false --json >"$ours" 2>"$out/bench.log" || { status=1; echo "bench failed: see $out/bench.log"; }
  "$dir/bin/bench" ${device:+--device "$device"} --arch alexnet-tv --batch "$batch" --steps 1 --warmup 1 \
    --json >"$prof" 2>"$out/bench-profile.log" || { status=1; echo "bench --profile failed: see $out/bench-profile.log"; }
  echo "PyTorch: torchvision alexnet on $tdev, batch $batch, $steps steps after $warmup warm-up"
  PYTHONUNBUFFERED=1 "$py" "$dir/bench_pytorch.py" --device "$tdev" --batch "$batch" --steps "$steps" \
    --warmup "$warmup" --threads "$threads" >"$torch" 2>"$out/pytorch.log" || { status=1; echo "PyTorch failed: see $out/pytorch.log"; }
  [ -s "$torch" ] || { status=1; echo "no PyTorch figures ($py): see $out/pytorch.log"; }

  printf '%s\n' "${rows[@]}" >"$out/suites.txt"
  "$py" - "$out" "$name" "$type" "$subgroup" "$(cat "$dir/VERSION" | head -1)" "$((SECONDS - start))" <<'EOF' | tee "$out/table.txt"
import json, sys
out, name, typ, subgroup, version, secs = sys.argv[1:]
def load(f):
    try:
        return json.load(open(f"{out}/{f}"))
    except (OSError, ValueError):
        return None
ours, prof, torch = load("bench.json"), load("bench-profile.json"), load("pytorch.json")
print(f"\nGPU check: {name} ({typ}, subgroup {subgroup}); {version}; {secs} s in all")
if ours:
    print(f"driver    {ours['device']['driver']}")
print(f"\n{'suite':16}{'passed':>8}{'failed':>8}{'skipped':>9}{'seconds':>9}  exit")
for line in open(f"{out}/suites.txt"):
    pkg, p, f, s, t, rc = line.strip().split("|")
    print(f"{pkg:16}{p:>8}{f:>8}{s:>9}{t:>9}  {rc}")
if torch:
    print(f"\nalexnet-tv, batch {torch['settings']['batch']}: ours (Vulkan) vs PyTorch {torch['torch']} on {torch['device']}")
else:
    print("\nalexnet-tv: no PyTorch figures (see pytorch.log)")
print(f"{'':8}{'ours img/s':>12}{'torch img/s':>13}{'ratio':>8}{'ours GFLOP/s':>14}{'torch GFLOP/s':>15}")
for k in ("train", "infer"):
    o = ours[k] if ours else None
    p = torch[k] if torch else None
    oi = f"{o['img_per_s']:12.2f}" if o else f"{'-':>12}"
    pi = f"{p['img_per_s']:13.2f}" if p else f"{'-':>13}"
    r = f"{o['img_per_s'] / p['img_per_s']:7.2f}x" if o and p else f"{'-':>8}"
    og = f"{o['gflop_per_s']:14.1f}" if o else f"{'-':>14}"
    pg = f"{p['gflop_per_s']:15.1f}" if p else f"{'-':>15}"
    print(f"{k:8}{oi}{pi}{r}{og}{pg}")
p = prof.get("profile") if prof else None
if p:
    print(f"\nper-kernel shares of one profiled training step ({p['device_ms']:.1f} ms of device time):")
    for k in p["kernels"][:12]:
        rate = f"{k['gflop_per_s']:10.1f} GFLOP/s" if k.get("gflop_per_s") else ""
        print(f"  {k['label']:34}{k['share_pct']:6.1f} %{k['ms']:11.2f} ms{rate}")
EOF
  echo "results in $out"
  return $status
}

case ${1:-} in
  prepare) shift; prepare "$@" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 2 ;;
esac
