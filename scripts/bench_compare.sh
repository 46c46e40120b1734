#!/usr/bin/env bash
# bench_compare.sh runs PyTorch's torchvision AlexNet (scripts/bench_pytorch.py) and cmd/bench on the
# same workload (alexnet-tv, 224×224, 1000 classes, SGD momentum) one after the other on this machine,
# and prints training and inference img/s side by side with their ratios. A benchmark, not a test.
#
# Usage: scripts/bench_compare.sh [extra cmd/bench flags]
# Environment:
#   BATCH=128 STEPS=2 WARMUP=1    the workload (both sides)
#   THREADS=2                     PyTorch's CPU threads (the project machine has 2 cores)
#   TORCH_DEVICE=cpu              cpu, or cuda to compare with PyTorch on the GPU bench runs on
#   PYTHON=/usr/bin/python3       the Python that has torch (Debian's python3-torch is for /usr/bin/python3)
#   OUT_DIR=runs/bench-compare    where both JSON reports are written
# Examples:
#   scripts/bench_compare.sh                                   # the lavapipe target: 2 cores, batch 128
#   TORCH_DEVICE=cuda STEPS=10 WARMUP=3 scripts/bench_compare.sh --device nvidia
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${BATCH:-128} STEPS=${STEPS:-2} WARMUP=${WARMUP:-1} THREADS=${THREADS:-2} TORCH_DEVICE=${TORCH_DEVICE:-cpu}
OUT_DIR=${OUT_DIR:-runs/bench-compare}
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
mkdir -p "$OUT_DIR" bin
stamp=$(date -u +%Y%m%dT%H%M%SZ)
torch_json="$OUT_DIR/pytorch-$stamp.json"
ours_json="$OUT_DIR/bench-$stamp.json"

echo "building cmd/bench" >&2
go build -buildvcs=true -o bin/bench ./cmd/bench  # stamps the commit (and +dirty) into the report

echo "== PyTorch ($PYTHON, $TORCH_DEVICE, $THREADS threads): alexnet-tv batch $BATCH, $STEPS steps after $WARMUP warm-up" >&2
"$PYTHON" scripts/bench_pytorch.py --batch "$BATCH" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" \
  --device "$TORCH_DEVICE" >"$torch_json"
echo "== cmd/bench: alexnet-tv batch $BATCH, $STEPS steps after $WARMUP warm-up $*" >&2
bin/bench --arch alexnet-tv --batch "$BATCH" --steps "$STEPS" --warmup "$WARMUP" --json "$@" >"$ours_json"

"$PYTHON" - "$torch_json" "$ours_json" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[2]))
try:
    torch = json.load(open(sys.argv[1]))
except ValueError:
    torch = None  # the script printed nothing: PyTorch is not installed
print(f"device  {ours['device']['name']} ({ours['device']['driver']})")
s = ours["settings"]
env = " ".join(f"{k}={v}" for k, v in sorted(s["env"].items()))
print(f"build   {s.get('revision') or 'unknown revision'}")
print(f"ours    {s['arch']} batch {s['batch']} (micro-batch {s['micro_batch']}), {s['steps']} steps after {s['warmup']} warm-up {env}")
if torch:
    t = torch["settings"]
    print(f"torch   PyTorch {torch['torch']} on {torch['device']}, {t['threads']} threads, {t['device']}")
# img/s is the target; img per CPU-second is the same work measured in CPU time, which moves less
# when other processes share the machine (on lavapipe the device is the CPU).
print(f"\n{'':8}{'ours img/s':>12}{'torch img/s':>13}{'ratio':>8}{'ours GFLOP/s':>14}{'torch GFLOP/s':>15}"
      f"{'ours img/CPU-s':>16}{'torch img/CPU-s':>17}{'ratio':>8}")
for k in ("train", "infer"):
    o = ours[k]
    if torch:
        p = torch[k]
        cpu_ratio = o["img_per_cpu_s"] / p["img_per_cpu_s"] if o["img_per_cpu_s"] and p["img_per_cpu_s"] else 0
        print(f"{k:8}{o['img_per_s']:12.2f}{p['img_per_s']:13.2f}{o['img_per_s'] / p['img_per_s']:7.2f}x"
              f"{o['gflop_per_s']:14.1f}{p['gflop_per_s']:15.1f}"
              f"{o['img_per_cpu_s']:16.2f}{p['img_per_cpu_s']:17.2f}{cpu_ratio:7.2f}x")
    else:
        print(f"{k:8}{o['img_per_s']:12.2f}{'-':>13}{'-':>8}{o['gflop_per_s']:14.1f}{'-':>15}{o['img_per_cpu_s']:16.2f}")
print(f"\nmemory  {ours['memory']['allocated_bytes'] / 2**30:.2f} GiB in use on the device")
p = ours.get("profile")
if p:
    top = ", ".join(f"{k['label']} {k['share_pct']:.0f}%" for k in p["kernels"][:4])
    print(f"kernels {p['device_ms'] / 1e3:.1f} s of device time in the last step; largest: {top}")
if not torch:
    print("no PyTorch numbers: install python3-torch python3-torchvision (or set PYTHON) to compare")
EOF
echo "reports: $torch_json $ours_json" >&2
