import json
from pathlib import Path

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

import lecturekit as lk
from lecturekit import cli, reproduce
from lecturekit.models.resnet import CifarResNet

TINY = ["--device", "cpu", "--epochs", "1", "--limit", "256", "--test-limit", "128", "--width", "2",
        "--image-size", "16"]


@pytest.fixture
def results(tmp_path, monkeypatch, offline_empty_data):
    """An empty results folder that load() reads, and the offline synthetic CIFAR-10 stand-in."""
    folder = tmp_path / "results"
    monkeypatch.setenv("LECTUREKIT_RESULTS", str(folder))
    monkeypatch.setenv("LECTUREKIT_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setenv("LECTUREKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LECTUREKIT_NO_PROGRESS", "1")
    return folder


def run(name, results, *extra):
    assert cli.main(["reproduce", name, *TINY, "--output", str(results), *extra]) == 0
    return json.loads((results / f"{name}.json").read_text())


def test_load_returns_none_when_nothing_is_shipped(results):
    for name in reproduce.NAMES:
        assert reproduce.load(name) is None
    assert reproduce.load_model("deletion", "resnet20") is None
    assert reproduce.load_weights("resnet20", CifarResNet(20)) is False


def test_not_shipped_message_names_the_command(results):
    message = reproduce.not_shipped_message("degradation")
    assert "not shipped" in message
    assert "python -m lecturekit reproduce degradation --device cuda" in message


def test_unknown_names_are_clear_errors(results):
    with pytest.raises(ValueError, match="resnet20, degradation, deletion"):
        reproduce.load("resnet56")


def test_results_live_in_the_package_by_default(monkeypatch):
    monkeypatch.delenv("LECTUREKIT_RESULTS", raising=False)
    assert reproduce.results_dir() == Path(reproduce.__file__).with_name("results")


def test_command_lists_every_option_that_is_not_the_default():
    settings = reproduce.Settings(torch.device("cpu"), epochs=3, limit=512, width=8,
                                  image_size=16, budget=60.0)
    assert settings.command("deletion") == (
        "python -m lecturekit reproduce deletion --device cpu --epochs 3 --limit 512 --width 8 "
        "--image-size 16 --budget 60")
    assert reproduce.Settings(torch.device("cpu")).command("resnet20") == (
        "python -m lecturekit reproduce resnet20 --device cpu")


def test_asking_for_cuda_without_a_gpu_fails_clearly(results):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(SystemExit, match="no CUDA device"):
        cli.main(["reproduce", "resnet20", "--device", "cuda", "--output", str(results)])


def test_real_data_can_be_required(results):
    with pytest.raises(SystemExit, match="real CIFAR-10 was not found"):
        cli.main(["reproduce", "resnet20", *TINY, "--output", str(results), "--require-real-data"])


def test_weights_over_three_megabytes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="at most 3 MB"):
        reproduce.save_weights(nn.Linear(1000, 1000), tmp_path / "big.pt")
    assert not (tmp_path / "big.pt").exists()


@pytest.mark.slow
def test_resnet20_run_writes_its_history_provenance_and_weights(results):
    result = run("resnet20", results)
    for key in ("command", "device", "device_name", "torch", "seed", "wall_seconds", "started_utc"):
        assert key in result
    assert result["device"] == "cpu" and result["seed"] == 0
    assert result["command"].startswith("python -m lecturekit reproduce resnet20 --device cpu")
    record = result["runs"]["resnet20"]
    assert record["history"]["epoch"] == [1] and len(record["history"]["test_error"]) == 1
    assert result["final"]["paper_accuracy_percent"] == 91.25
    assert result["data"]["substitute"] is True          # the offline stand-in, and it says so
    weights = results / record["weights"]
    assert weights.stat().st_size <= 3 * 2**20
    state = torch.load(weights, weights_only=True)
    assert "head.2.weight" in state
    assert reproduce.load("resnet20")["final"] == result["final"]
    assert "SUBSTITUTE" in reproduce.provenance(result)


@pytest.mark.slow
def test_degradation_run_records_training_and_test_error_per_epoch(results):
    result = run("degradation", results, "--epochs", "2")
    assert set(result["runs"]) == {"plain20", "plain56", "resnet20", "resnet56"}
    for record in result["runs"].values():
        history = record["history"]
        assert history["epoch"] == [1, 2]
        assert len(history["train_error"]) == len(history["test_error"]) == 2
        assert all(0 <= e <= 1 for e in history["train_error"] + history["test_error"])
        assert record["recipe"]["milestones"] == [1, 1]
    for key in result["runs"]:                        # which training images each gets right
        right = reproduce.training_right(result, key)
        assert right.dtype == torch.bool and len(right) == 256
        recorded = result["training_right"][key]["error"]
        assert 1 - right.float().mean().item() == pytest.approx(recorded, abs=1e-5)
    forged = torch.rand(1001) < 0.5
    assert reproduce.unpack_bits(reproduce.pack_bits(forged), 1001).equal(forged)
    assert isinstance(result["final"]["plain56_trains_worse_than_plain20"], bool)
    figure = reproduce.plot_degradation(reproduce.load("degradation"))
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    dashed = [line for ax in figure.axes for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 4                                 # one training-error curve per network


@pytest.mark.slow
def test_deletion_runs_on_the_shipped_pair_and_its_figures_can_be_made_again(results):
    assert lk.models.list_pretrained() == []            # an empty weights folder
    result = run("deletion", results)                    # makes the missing pair by its plan first
    assert {"resnet20_cifar", "plain20_cifar"} <= set(lk.models.list_pretrained())
    plain, residual = result["runs"]["plain20"], result["runs"]["resnet20"]
    assert len(residual["deleted_accuracy"]) == 9 and None not in residual["deleted_accuracy"]
    assert [a is None for a in plain["deleted_accuracy"]].count(True) == 2
    model = reproduce.load_model("deletion", "plain20")
    assert isinstance(model, CifarResNet) and not model.training
    mine = CifarResNet(20)
    assert reproduce.load_weights("deletion", mine, "resnet20") is True
    assert isinstance(reproduce.plot_deletion(result), Figure)
    test = reproduce.test_set(result, limit=128)
    assert test.shape == (3, 32, 32)
    again = reproduce.deletion_accuracies(model, test, torch.device("cpu"))
    for made, shipped in zip(again, plain["deleted_accuracy"]):   # the shipped figures, made again
        assert (made is None) == (shipped is None)
        assert made is None or made == pytest.approx(shipped, abs=2 / 128)
    with pytest.raises(ValueError, match="resnet20, plain20"):
        reproduce.load_model("deletion", "resnet56")


@pytest.mark.slow
def test_a_budget_chooses_the_epochs_and_all_runs_every_result(results):
    assert cli.main(["reproduce", "all", "--device", "cpu", "--limit", "256", "--test-limit", "128",
                           "--width", "2", "--image-size", "16", "--budget", "30",
                           "--output", str(results)]) == 0
    for name in reproduce.NAMES:
        result = reproduce.load(name)
        assert result["part_of"].startswith("python -m lecturekit reproduce all")
        assert "--budget" in result["command"]


def test_shipped_results_state_their_provenance_and_load(monkeypatch):
    monkeypatch.delenv("LECTUREKIT_RESULTS", raising=False)
    for name in reproduce.NAMES:
        result = reproduce.load(name)
        if result is None:
            continue
        for key in ("command", "device", "device_name", "torch", "seed", "wall_seconds", "started_utc"):
            assert result[key] not in (None, "")
        assert result["command"].startswith(f"python -m lecturekit reproduce {name} --device ")
        assert result["data"]["substitute"] is False
        for run, record in result["runs"].items():
            if name == "activations":
                assert len(record["train_error"]) == len(result["steps"])
                continue
            assert len(record["history"]["epoch"]) == record["final"]["epochs"]
            assert record["network"] in lk.models.list_pretrained()   # the shipped network it is
            model = reproduce.load_model(name, run)
            assert model is not None and not model.training


def test_activations_summary_takes_the_fastest_rate_and_says_if_the_grid_brackets_it():
    steps = [0, 10, 20, 30, 40]
    grid = {"relu": [(0.1, 0), (0.1, 1), (0.2, 0), (0.2, 1), (0.4, 0), (0.4, 1)],
            "tanh": [(0.1, 0), (0.1, 1), (0.2, 0), (0.2, 1), (0.4, 0), (0.4, 1)]}
    slow, fast, never = [0.9, 0.5, 0.3, 0.2, 0.1], [0.9, 0.2, 0.1, 0.1, 0.1], [0.9] * 5
    errors = {"relu": [slow, slow, fast, fast, never, [float("nan")] * 5],
              "tanh": [never] * 6}
    result = reproduce._activations_result(grid, steps, errors, 40, 1.0, reproduce.data.ImageDataset(
        torch.zeros(2, 3, 4, 4, dtype=torch.uint8), torch.zeros(2, dtype=torch.long),
        ["a"], "cifar10", True, "test", (0.5,) * 3, (0.25,) * 3))
    final = result["final"]
    assert final["relu"]["best_lr"] == 0.2 and final["relu"]["bracketed"] is True
    assert final["relu"]["median_steps"] == 10
    assert final["tanh"]["median_steps"] is None
    assert final["tanh_over_relu"] == 4.0 and final["tanh_over_relu_is_lower_bound"] is True
    assert final["relu_reaches_25_percent_sooner"] is True
    assert result["runs"]["relu-lr0.4-seed1"]["diverged"] is True


def test_activations_run_records_every_copy(results):
    result = run("activations", results)
    assert len(result["runs"]) == sum(len(v) for v in reproduce.ACTIVATION_LRS.values()) * 3
    assert all(len(r["train_error"]) == len(result["steps"]) for r in result["runs"].values())
    assert isinstance(result["final"]["relu_reaches_25_percent_sooner"], bool)


def test_workers_must_be_positive(results):
    with pytest.raises(SystemExit, match="--workers must be positive"):
        cli.main(["reproduce", "degradation", *TINY, "--workers", "0", "--output", str(results)])


def test_fastest_rates_fall_back_to_the_lowest_final_error_and_the_figure_draws(results):
    result = run("activations", results)
    rates = reproduce.fastest_rates(result)
    assert set(rates) == {"relu", "tanh"}
    assert rates["relu"] in reproduce.ACTIVATION_LRS["relu"]
    figure = reproduce.plot_activations(result)
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    dashed = [line for line in figure.axes[0].lines if line.get_linestyle() == "--"]
    assert len(dashed) == reproduce.ACTIVATION_SEEDS              # one tanh curve per seed


def test_the_notebooks_old_names_still_resolve_to_their_new_homes():
    from lecturekit import data
    from lecturekit.models import alexnet, resnet
    from lecturekit.pictures import results as figures

    assert reproduce.downsample is data.downsample
    assert reproduce.without_block is resnet.without_block and reproduce.blocks is resnet.blocks
    assert reproduce.FourLayerNets is alexnet.FourLayerNets
    assert reproduce.plot_degradation is figures.plot_degradation
    assert reproduce.plot_deletion is figures.plot_deletion
    assert reproduce.plot_activations is figures.plot_activations
