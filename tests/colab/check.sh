#!/usr/bin/env bash
# Colab's versions: install Colab's pins in a separate environment (.venv-colab), check that
# installing the course the way the notebooks' setup cell does (pip install "lecturekit @ ...")
# would leave them as they are (a dry run), then install the course without touching them and
# run the widget tests and the Part 1 notebooks (00-06) under them.
#
# Colab (2026): Python 3.12, torch 2.8+, ipywidgets 7.7.1 with widgetsnbextension 3.6,
# ipykernel 6.17, matplotlib 3.10. This machine's Python and torch are used where Colab's
# differ (the pins below are the ones that install here).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
VENV=.venv-colab
PINS=(ipywidgets==7.7.1 "widgetsnbextension==3.6.*" "ipykernel==6.17.*" "matplotlib==3.10.*")
TORCH=(torch==2.14.1 torchvision==0.29.1)

test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install --quiet "${TORCH[@]}" "${PINS[@]}" nbval pytest nbclient
before="$("${PIP[@]}" freeze | grep -iE '^(torch|torchvision|ipywidgets|widgetsnbextension|ipykernel|matplotlib)==' | sort)"

echo "== the setup cell's install, as a dry run: must not change Colab's packages"
# The setup cell installs "lecturekit @ git+<repository>"; here the same requirement points at
# this checkout (no network to the repository host is needed).
"${PIP[@]}" install --dry-run --quiet --report "$VENV/dry-run.json" "lecturekit @ file://$PWD"
"$VENV/bin/python" - "$VENV/dry-run.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
protected = {"torch", "torchvision", "ipywidgets", "widgetsnbextension", "ipykernel", "matplotlib"}
changed = sorted(item["metadata"]["name"] + "==" + item["metadata"]["version"] for item in report["install"]
                 if item["metadata"]["name"].lower() in protected)
if changed:
    sys.exit(f"FAIL: the setup cell would change Colab's packages: {', '.join(changed)}")
print("the setup cell leaves torch, torchvision, ipywidgets, widgetsnbextension, ipykernel and matplotlib as they are")
PY

"${PIP[@]}" install --quiet -e .
after="$("${PIP[@]}" freeze | grep -iE '^(torch|torchvision|ipywidgets|widgetsnbextension|ipykernel|matplotlib)==' | sort)"
if [ "$before" != "$after" ]; then
  echo "FAIL: installing the course changed Colab's packages:"; diff <(echo "$before") <(echo "$after") || true
  exit 1
fi
echo "== under Colab's versions:"; echo "$after"

echo "== widget tests"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_widgets.py
echo "== Part 1 notebooks (00-06) under nbval, smoke profile"
LECTUREKIT_PROFILE=smoke LECTUREKIT_NO_PROGRESS=1 "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
  notebooks/00_*.ipynb notebooks/01_*.ipynb notebooks/02_*.ipynb notebooks/03_*.ipynb \
  notebooks/04_*.ipynb notebooks/05_*.ipynb notebooks/06_*.ipynb
