#!/usr/bin/env bash
# On a CUDA GPU: every shipped network by its plan's GPU recipe (lk.pretrained.PLANS: the paper's
# 32x32 and schedule for the degradation four), written into lecturekit/weights/, then the results
# built on them (deletion, degradation) and the activations grid into lecturekit/results/. Each
# file records the device, torch version, seed, wall time, command and code revision. Test it on
# the CPU first at tiny settings (EXTRA="--epochs 1 --limit 256 --test-limit 200" DEVICE=cpu).
#
#   bash tests/gpu/reproduce_all.sh
#
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
[ "${DEVICE:-cuda}" != cuda ] || "$PYTHON" -c 'import sys, torch; torch.cuda.is_available() or sys.exit("reproduce_all: no CUDA device: this script needs an NVIDIA GPU that torch can see")'
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
export LECTUREKIT_NO_PROGRESS=1
DEVICE="${DEVICE:-cuda}"
for name in resnet20_cifar plain20_cifar plain20_cifar.degradation plain56_cifar.degradation \
            resnet20_cifar.degradation resnet56_cifar.degradation nin_cifar densenet_bc100_cifar; do
  "$PYTHON" -m lecturekit reproduce "$name" --device "$DEVICE" ${EXTRA:-}
done
"$PYTHON" -m lecturekit reproduce degradation --device "$DEVICE" ${EXTRA:-}
"$PYTHON" -m lecturekit reproduce deletion --device "$DEVICE"
"$PYTHON" -m lecturekit reproduce activations --device "$DEVICE" --image-size 16 --budget 150 --require-real-data
