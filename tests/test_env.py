import random

import numpy as np
import pytest
import torch

import lecturekit as lk
from lecturekit import env


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    assert env.profile().name == "smoke"
    monkeypatch.setenv("LECTUREKIT_PROFILE", "FULL")
    assert env.profile().name == "full"


def test_default_profile_follows_the_device(monkeypatch):
    monkeypatch.delenv("LECTUREKIT_PROFILE", raising=False)
    expected = "gpu" if torch.cuda.is_available() else "class"
    assert env.profile().name == expected


def test_cuda_default_is_the_gpu_profile_and_full_is_opt_in(monkeypatch):
    monkeypatch.delenv("LECTUREKIT_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert env.profile().name == "gpu"
    monkeypatch.setenv("LECTUREKIT_PROFILE", "full")
    assert env.profile().name == "full"


def test_cpu_default_is_the_class_profile(monkeypatch):
    monkeypatch.delenv("LECTUREKIT_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert env.profile().name == "class"


def test_gpu_profile_uses_whole_data_sets():
    gpu = env.PROFILES["gpu"]
    assert gpu.train_limit is None and gpu.test_limit is None
    assert "T4" in gpu.description and "LECTUREKIT_PROFILE=full" in gpu.description


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "huge")
    with pytest.raises(ValueError, match="smoke, class, gpu, full"):
        env.profile()


def test_choose_returns_the_value_of_the_profile():
    values = dict(smoke=1, class_=3, gpu=8, full=30)
    assert {name: env.PROFILES[name].choose(**values) for name in env.PROFILES} == {
        "smoke": 1, "class": 3, "gpu": 8, "full": 30}


def test_choose_accepts_none_as_a_value():
    assert env.PROFILES["gpu"].choose(smoke=1000, class_=2500, gpu=None, full=50_000) is None


@pytest.mark.parametrize("left_out", ["smoke", "class_", "gpu", "full"])
@pytest.mark.parametrize("profile", ["smoke", "gpu"])
def test_choose_without_one_of_the_four_values_is_an_error_naming_it(profile, left_out):
    values = {name: 1 for name in ("smoke", "class_", "gpu", "full") if name != left_out}
    with pytest.raises(TypeError, match=f"P.choose needs {left_out}="):
        env.PROFILES[profile].choose(**values)


def test_choose_refuses_positional_values():
    with pytest.raises(TypeError, match="keyword arguments only"):
        env.PROFILES["gpu"].choose(1, 3, 30)


def test_setup_line_names_the_gpu_profile(capsys):
    lk.setup(seed=0, profile_name="gpu")
    assert "profile gpu" in capsys.readouterr().out


def test_device_is_a_torch_device():
    assert env.device().type in {"cpu", "cuda", "mps"}


def test_seed_everything_makes_all_generators_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    env.seed_everything(123)
    first = draw()
    env.seed_everything(123)
    assert draw() == first


def test_not_in_colab_or_notebook_here():
    assert not env.in_colab()
    assert not env.in_notebook()


def test_setup_prints_one_line_and_returns_device_and_profile(capsys, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    device, profile = lk.setup(seed=1)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert f"device {device.type}" in out[0] and "profile smoke" in out[0]
    assert "torch" in out[0] and profile.name == "smoke"


def test_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path))
    assert env.data_dir() == tmp_path


def test_environment_check_rows():
    rows = env.check()
    names = [r[0] for r in rows]
    assert "torch" in names and "Python" in names
    assert all(ok for what, _, ok in rows if what in {"torch", "Python"})


def test_notebooks_dir_is_the_checkouts_notebooks_folder():
    assert (env.notebooks_dir() / "01_cnn_vs_dnn.ipynb").is_file()


def test_environment_check_lists_the_data_folders(monkeypatch, tmp_path):
    (tmp_path / "MNIST").mkdir()
    monkeypatch.setenv("LECTUREKIT_DATA", str(tmp_path))
    assert ("local data sets", "MNIST", True) in env.check()
