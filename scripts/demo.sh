#!/usr/bin/env bash
# demo.sh: the README's main command. Trains alexnet-small on Fashion-MNIST (Debian's
# dataset-fashion-mnist) on whatever Vulkan device exists, evaluates on the 10,000 test images,
# and writes the checkpoint, metrics and conv1 filter pictures into runs/demo.
# The recipe is tuned for a 10-minute budget on a 2-core lavapipe machine: two epochs leave no room
# for heavy regularisation, so dropout is 0.1 and there is no augmentation (both are the paper's
# defaults in plain `bin/train`); lr 0.05 at batch 64, divided by 10 at epoch 1.6.
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/demo
rm -rf "$out" # each demo is a fresh run (bin/train refuses to mix runs in one directory)
start=$(date +%s)
bin/train --out "$out" --viz-every 200 --epochs 2 --batch 64 --lr 0.05 --lr-schedule step:1.6 --dropout 0.1 --no-augment "$@"
echo
echo "demo finished in $(( $(date +%s) - start ))s. Results in $out/:"
echo "  metrics.csv          step, lr, train/test loss, top-1, top-5, img/s per evaluation"
echo "  filters.png          conv1's filters now (filters-<step>.png: how they formed)"
echo "  activations-*.png    every conv layer's response to a test image"
echo "  curves.png probe.png loss/accuracy curves; a test image with its top-5"
echo "  checkpoint-*.safetensors   weights + momenta + state (continue: bin/train --resume $out)"
column -s, -t < "$out/metrics.csv" || cat "$out/metrics.csv"
