#!/usr/bin/env bash
# demo.sh: the README's main command. Trains alexnet-small on Fashion-MNIST (Debian's
# dataset-fashion-mnist) on whatever Vulkan device exists, evaluates on the 10,000 test images,
# and writes the checkpoint, metrics and conv1 filter pictures into runs/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/demo
start=$(date +%s)
bin/train --out "$out" --viz-every 100 --lr 0.02 --epochs 2 --lr-schedule step:1.5 "$@"
echo
echo "demo finished in $(( $(date +%s) - start ))s. Results in $out/:"
echo "  metrics.csv          step, lr, train/test loss, top-1, top-5, img/s per evaluation"
echo "  filters.png          conv1's filters now (filters-<step>.png: how they formed)"
echo "  activations-*.png    every conv layer's response to a test image"
echo "  curves.png probe.png loss/accuracy curves; a test image with its top-5"
echo "  checkpoint-*.safetensors   weights + momenta + state (continue: bin/train --resume $out)"
column -s, -t < "$out/metrics.csv" || cat "$out/metrics.csv"
