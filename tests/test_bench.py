"""The benchmark table's arithmetic and bookkeeping (the benchmarks themselves run in
`make bench`, never in tests)."""

import pytest

from lecturekit import bench
from lecturekit.bench import Figure


def test_notebook_times_scale_with_the_training_throughput():
    assert bench.scaled_seconds(40, 1052, reference=263) == pytest.approx(160)
    assert bench.scaled_seconds(40, 263) == pytest.approx(40)
    with pytest.raises(ValueError, match="images_per_second=0"):
        bench.scaled_seconds(40, 0)


def test_a_notebook_row_says_whether_it_is_within_the_budget():
    fast = bench.notebook_figure("13_resnet.ipynb", 40.4, 526)
    slow = bench.notebook_figure("07_alexnet.ipynb", 94, 263)
    assert fast.value == "40 s here (within budget); 81 s scaled to the reference"
    assert slow.value.startswith("94 s here (OVER budget)")
    assert "13_resnet.ipynb" in fast.command


def test_the_nbval_row_fails_when_pytest_fails():
    assert bench.nbval_figure(250.2, 0).value == "250 s"
    assert bench.nbval_figure(250.2, 1).value == "FAILED (pytest exit code 1) after 250 s"


def test_a_table_reads_back_and_a_subset_run_keeps_the_other_rows_and_their_dates():
    old = [Figure("a", "1 s", "", "cmd a", "2026-11-25"), Figure("b", "2 s", "<= 3 s", "cmd b",
                                                                   "2026-11-25")]
    assert bench.read_table("# Benchmarks\n\n" + bench.table(old) + "\n") == old
    new = [Figure("b", "4 s", "<= 3 s", "cmd b", "2026-12-03"), Figure("c", "5", "", "cmd c")]
    merged = bench.merge(old, new)
    assert [(f.name, f.value, f.date) for f in merged[:2]] == [("a", "1 s", "2026-11-25"),
                                                               ("b", "4 s", "2026-12-03")]
    assert merged[2].name == "c"
    old_format = "| benchmark | measured | target | reproduce with |\n|---|---|---|---|\n| a | 1 | | `x` |"
    assert bench.read_table(old_format) == []


def test_t4_minutes_add_the_arithmetic_and_a_fixed_cost_per_step():
    assert bench.t4_minutes(bench.T4_ASSUMED_FLOPS * 60, 0) == pytest.approx(1)
    assert bench.t4_minutes(0, 15_000) == pytest.approx(15_000 * bench.T4_ASSUMED_SECONDS_PER_STEP / 60)


def test_a_gpu_compute_row_adds_fit_and_the_rest_and_reports_failed_cells():
    counted = {"flops": 3e12, "executed": 1.5e12, "train_steps": 1000, "executed_steps": 500,
               "train_images": 128_000, "fits": 2, "errors": ["NameError"]}
    row = bench.gpu_compute_figure("13_resnet.ipynb", counted)
    minutes = bench.t4_minutes(4.5e12, 1500)
    assert row.value == (f"4.5 TFLOP, 1,500 steps (128,000 images in 2 fit calls; 1.5 TFLOP and "
                         f"500 steps outside fit): {minutes:.1f} T4 min; 1 cell failed in the dry run")
    assert bench.gpu_compute_figure("x.ipynb", {"errors": []}).value == "FAILED: nothing counted"
