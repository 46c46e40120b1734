#!/usr/bin/env bash
# demo.sh: the README's main command. Training lands with the training issue; until then it shows the
# device the demo will run on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x bin/train ]; then
  exec bin/train "$@"
fi
echo "make demo: training is not built yet (cmd/train lands with the training issue)."
go run ./cmd/devices
