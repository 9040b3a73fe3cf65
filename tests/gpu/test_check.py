import subprocess
import sys
from pathlib import Path

import pytest
import torch

CHECK = Path(__file__).with_name("check.py")


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_gpu_check_fails_clearly_without_a_cuda_device():
    done = subprocess.run([sys.executable, str(CHECK)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "no CUDA device" in done.stderr


def test_gpu_check_table_marks_missed_targets():
    sys.path.insert(0, str(CHECK.parent))
    try:
        import check
    finally:
        sys.path.remove(str(CHECK.parent))
    text = check.table([("ResNet-20: test accuracy", "90.00%", ">= 91.25%", False),
                        ("nbval smoke on CUDA: 00.ipynb", "9/9 cells pass, 3 s", "passes", True)],
                       "a GPU")
    assert "| ResNet-20: test accuracy | 90.00% | >= 91.25% | MISSED |" in text
    assert "| passes | ok |" in text
