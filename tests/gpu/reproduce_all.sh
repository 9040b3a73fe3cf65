#!/usr/bin/env bash
# The one command that makes every shipped paper-scale result on a CUDA GPU, within a time
# budget (default 520 s of wall time, about 9 minutes, for one H100), and writes them to
# results/: resnet20.json (+ weights/resnet20.pt), deletion.json (+ weights/deletion-*.pt),
# activations.json and degradation.json, each with the device, torch version, seed, wall time
# and command.
#
#   bash tests/gpu/reproduce_all.sh            # or BUDGET=1800 for a slower GPU (T4)
#
# ResNet-20 gets a quarter of the budget for its 40-epoch GPU recipe, the deletion networks
# about a third of the rest, the activations grid (AlexNet Figure 1) 30% of what then remains,
# the degradation set (four networks, the paper's schedule shape) what is left; each picks as
# many epochs as a short timed trial says will fit (activations: up to 30 epochs, stopping once
# every run reached 25%).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUDGET="${BUDGET:-520}"
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
if [ -z "${LECTUREKIT_DATA:-}" ]; then
  for candidate in ../shared/data shared/data data; do
    if [ -d "$candidate/cifar10" ] || [ -d "$candidate/cifar-10-batches-py" ]; then
      export LECTUREKIT_DATA="$PWD/$candidate"; break
    fi
  done
fi
"$PYTHON" -c 'import sys, torch; torch.cuda.is_available() or sys.exit("reproduce_all: no CUDA device: this script needs an NVIDIA GPU that torch can see")'
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
export LECTUREKIT_NO_PROGRESS=1
exec "$PYTHON" -m lecturekit reproduce all --device cuda --budget "$BUDGET" --require-real-data \
  --output results
