import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge's name -> PyPI's


def requirement_name(text: str) -> str:
    return re.split(r"[<>=!~ \[]", text.strip(), maxsplit=1)[0].lower()


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {requirement_name(r) for r in project["dependencies"]}
    pip_names |= {requirement_name(r) for r in project["optional-dependencies"]["dev"]}
    conda_names = set()
    in_dependencies = False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_dependencies = True
            continue
        match = re.match(r"^  - ([A-Za-z0-9_.-]+)", line)
        if in_dependencies and match and match.group(1) not in {"python", "pip"}:
            name = requirement_name(match.group(1))
            conda_names.add(CONDA_NAMES.get(name, name))
    assert conda_names == pip_names


def test_ranges_admit_what_colab_ships():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = {requirement_name(r): r for r in project["dependencies"]}
    assert deps["ipywidgets"].startswith("ipywidgets>=7.7")
    assert deps["torch"] == "torch>=2.8"
    assert ">=3.10" in project["requires-python"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme


def test_tab_completion_lists_every_submodule():
    import lecturekit as lk

    names = dir(lk)
    for module in ("analysis", "data", "interpret", "layers", "models", "pictures", "reproduce",
                   "train", "widgets"):
        assert module in names
    assert "setup" in names and "lesson" in names
