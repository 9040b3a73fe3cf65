"""Command line: ``python -m lecturekit COMMAND`` (see ``--help``).

A mistake in what the user typed (an unknown model, a missing file, an impossible number)
is printed as one line on stderr with exit status 2, argparse's status for usage errors, and
no traceback; ``LECTUREKIT_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_commands(commands: argparse._SubParsersAction, only: str | None = None) -> None:
    """Register the sub-commands; with ``only``, just that one, so that e.g.
    ``homework grade`` imports only what grading needs (the grader's own torch, for its
    checkers, and not the rest of the command line)."""
    for name, add in COMMANDS.items():
        if only in (None, name):
            add(commands)


def _add_env(commands) -> None:
    parser = commands.add_parser("env", help="print versions, device and run profile")
    parser.set_defaults(run=run_env)


def _add_execute(commands) -> None:
    parser = commands.add_parser("execute", help="execute notebooks in place (refresh outputs)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.set_defaults(run=run_execute)


def run_env(_args: argparse.Namespace) -> int:
    from .env import setup

    setup()
    return 0


def run_execute(args: argparse.Namespace) -> int:
    from .kernels import execute_notebook

    os.environ["LECTUREKIT_NO_PROGRESS"] = "1"  # the kernels inherit it: no stale progress bars
    for path in args.notebooks:                 # all checked before the first one runs
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"notebooks must be existing .ipynb files, got {str(path)!r}")
    for path in args.notebooks:
        seconds = execute_notebook(path, args.timeout)
        print(f"{path}: executed in {seconds:.1f} s")
    return 0


# ------------------------------------------------------------------------------------ train
def _add_train(commands) -> None:
    from .env import PROFILES
    from .train import OPTIMIZERS

    parser = commands.add_parser("train", help="train a model from the zoo on a data set")
    parser.add_argument("model", help="a name from lecturekit.models.list_models()")
    parser.add_argument("--dataset", required=True, help="mnist, fashion_mnist or cifar10")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--profile", choices=list(PROFILES), default=None)
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=None)
    parser.add_argument("--seed", type=int, default=None, help="default: $LECTUREKIT_SEED, else 0")
    parser.set_defaults(run=run_train)


def run_train(args: argparse.Namespace) -> int:
    from . import _validate as check
    from . import data, env, models
    from .train import fit

    # the names and numbers typed, checked before any work, named as on the command line
    check.choice(args.model, models.list_models(), "model", "model",
                 see="lecturekit.models.list_models()")
    check.choice(args.dataset.lower().replace("-", "_"), data.names(), "--dataset", "data set")
    for option, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value is not None:
            check.integer(value, option, 1)
    if args.lr is not None:
        check.number(args.lr, "--lr", 0, low_open=True)
    entry = models.entry(args.model)
    device, prof = env.setup(args.seed, args.profile)
    recipe = dict(entry.recipe)
    for key in ("epochs", "batch_size", "lr", "optimizer"):
        if getattr(args, key) is not None:
            recipe[key] = getattr(args, key)
    if args.epochs is None and prof.name == "smoke":
        recipe["epochs"] = 1
    size = entry.input_shape[-1]
    train = data.load(args.dataset, train=True, limit=prof.train_limit, image_size=size)
    test = data.load(args.dataset, train=False, limit=prof.test_limit, image_size=size)
    model = models.create(args.model, in_channels=train.shape[0], num_classes=len(train.classes))
    history = fit(model, train, test, device=device, checkpoint=args.checkpoint,
                  live_plot=False, seed=args.seed, **recipe)
    print(f"{args.model} on {args.dataset}: test accuracy "
          f"{100 * history.final_test_accuracy:.2f}% after {len(history.epoch)} epochs, "
          f"{history.train_seconds:.1f} s of training")
    return 0


# ------------------------------------------------------------------------------------ bench
def _add_bench(commands) -> None:
    from .bench import BENCHMARKS

    parser = commands.add_parser("bench", help="run the benchmarks and print the table")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=None)
    parser.add_argument("--output", type=Path, default=None, help="also write the table here")
    parser.set_defaults(run=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    from .bench import run

    run(args.only, args.output)
    return 0


# -------------------------------------------------------------------------------- reproduce
def _add_reproduce(commands) -> None:
    from .models import OLD_NAMES
    from .pretrained import PLANS
    from .reproduce import NAMES, RECIPES

    old_plans = [old + name[len(new):] for name in PLANS for old, new in OLD_NAMES.items()
                 if name.split(".")[0] == new]

    parser = commands.add_parser(
        "reproduce", help="train a paper-scale result or a shipped network and write it into the package",
        description="Train a paper-scale result and write it, with the device, the torch "
                    "version, the seed, the wall time and this command, to OUTPUT/NAME.json.")
    parser.add_argument("name", choices=[*NAMES, "all", *PLANS, *old_plans],
                        help="a result, or a shipped network (written to lecturekit/weights/ "
                             "unless --output is given)")
    parser.add_argument("--device", default=None,
                        help="cuda, cpu or mps (default: the best available)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="default: the recipe's, or as many as fit --budget")
    parser.add_argument("--limit", type=int, default=None,
                        help="training images (default: all 50,000)")
    parser.add_argument("--test-limit", type=int, default=None,
                        help="test images (default: all 10,000)")
    parser.add_argument("--width", type=int, default=16,
                        help="channels of the first stage (the paper: 16)")
    parser.add_argument("--image-size", type=int, default=32,
                        help="average the images down to this size (the paper: 32)")
    parser.add_argument("--seed", type=int, default=None, help="default: $LECTUREKIT_SEED, else 0")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds of wall time: epochs are chosen to fit it, and training "
                             "stops when it is spent")
    parser.add_argument("--recipe", choices=list(RECIPES), default=None,
                        help="default: gpu on CUDA, class elsewhere (degradation: paper)")
    parser.add_argument("--output", type=Path, default=None,
                        help="default: the package's lecturekit/results/ (a network: lecturekit/weights/)")
    parser.add_argument("--require-real-data", action="store_true",
                        help="stop unless the real CIFAR-10 is found")
    parser.add_argument("--workers", type=int, default=1,
                        help="degradation: train this many networks at once, each in its own "
                             "process (a GPU has room for all four)")
    parser.set_defaults(run=run_reproduce)


def settings_from(args: argparse.Namespace):
    """The reproduce command's options as :class:`lecturekit.reproduce.Settings`."""
    import torch

    from . import env
    from .reproduce import Settings

    if args.device is not None and args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: --device cuda needs a GPU that torch can see")
    device = torch.device(args.device) if args.device else env.device()
    for flag in ("epochs", "limit", "test_limit", "width", "image_size", "workers"):
        value = getattr(args, flag)
        if value is not None and value <= 0:
            raise SystemExit(f"--{flag.replace('_', '-')} must be positive, got {value}")
    seed = env.default_seed() if args.seed is None else args.seed
    return Settings(device=device, epochs=args.epochs, limit=args.limit,
                    test_limit=args.test_limit, width=args.width, image_size=args.image_size,
                    seed=seed, budget=args.budget, recipe=args.recipe, output=args.output,
                    require_real_data=args.require_real_data, workers=args.workers)


def run_reproduce(args: argparse.Namespace) -> int:
    from .reproduce import reproduce, reproduce_all, summary

    os.environ["LECTUREKIT_NO_PROGRESS"] = "1"
    from .models import canonical
    from .pretrained import PLANS, make

    name = canonical(args.name)      # an old model name becomes its new one, with a warning
    if name in PLANS:
        import torch

        from . import env
        device = torch.device(args.device) if args.device else env.device()
        make(name, device=device, seed=args.seed or 0, epochs=args.epochs,
             limit=args.limit, test_limit=args.test_limit, output=args.output)
        return 0
    if args.output is None:
        from .reproduce import RESULTS_DIR
        args.output = RESULTS_DIR
    settings = settings_from(args)
    if args.name == "all":
        reproduce_all(settings)
    else:
        result = reproduce(args.name, settings)
        print(summary({args.name: result}))
    return 0


# ------------------------------------------------------------------------------------- site
def _add_site(commands) -> None:
    parser = commands.add_parser("site", help="build the HTML pages or the slide decks, or tag "
                                 "the notebooks' cells with slide types")
    parser.add_argument("kind", choices=["html", "slides", "tag"])
    parser.add_argument("--notebooks", type=Path, default=None, help="default: the course's notebooks/")
    parser.add_argument("--output", type=Path, default=None,
                        help="default: build/html or build/slides")
    parser.set_defaults(run=run_site)


def run_site(args: argparse.Namespace) -> int:
    from . import site
    from .env import notebooks_dir

    notebooks = args.notebooks or notebooks_dir()
    if args.kind == "tag":
        site.tag_notebooks(notebooks)
        print(f"slide types set in {notebooks}")
        return 0
    output = args.output or Path("build") / args.kind
    build = site.build_html if args.kind == "html" else site.build_slides
    written = build(notebooks, output)
    print(f"{len(written)} {'pages' if args.kind == 'html' else 'decks'} and index.html in {output}")
    return 0


# --------------------------------------------------------------------------------- homework
def _add_homework(commands) -> None:
    from .homework import GRADESCOPE_VISIBILITY

    parser = commands.add_parser("homework", help="student editions and grading")
    sub = parser.add_subparsers(dest="homework_command", required=True)
    build_parser = sub.add_parser("build", help="write student editions")
    build_parser.add_argument("notebooks", nargs="*", type=Path,
                              help="notebooks to convert (default: all of notebooks/)")
    build_parser.add_argument("--output", type=Path, default=Path("homework"))
    build_parser.add_argument("--badge", default="homework",
                              help="where the student editions' Colab badge points: 'homework' "
                                   "(the homework/ folder of the same repository), a URL "
                                   "template with {name}, or '' to remove the badge")
    build_parser.set_defaults(run=run_homework_build)
    grade_parser = sub.add_parser("grade", help="execute and score submissions")
    grade_parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders")
    grade_parser.add_argument("--source", type=Path, default=None,
                              help="folder of the solution notebooks (default: notebooks/), or "
                                   "one solution notebook for every submission")
    grade_parser.add_argument("--spec", type=Path, default=None,
                              help="grading specification written by homework build "
                                   "(grading-spec.json): grade without the solution notebooks")
    grade_parser.add_argument("--timeout", type=float, default=120, help="seconds per cell")
    grade_parser.add_argument("--hidden", type=Path, default=None,
                              help="folder of hidden checker cases (nbNN.py files)")
    grade_parser.add_argument("--csv", type=Path, default=None)
    grade_parser.add_argument("--json", type=Path, default=None)
    grade_parser.add_argument("--gradescope", type=Path, default=None,
                              help="write Gradescope's results.json here (one submission)")
    grade_parser.add_argument("--hidden-visibility", default="after_published",
                              choices=GRADESCOPE_VISIBILITY,
                              help="when Gradescope shows hidden cases to students")
    grade_parser.set_defaults(run=run_homework_grade)


def run_homework_build(args: argparse.Namespace) -> int:
    from .env import notebooks_dir
    from .homework import build

    notebooks = args.notebooks or sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    for path in build(notebooks, args.output, args.badge):
        print(f"wrote {path}")
    return 0


def run_homework_grade(args: argparse.Namespace) -> int:
    from . import homework
    from .env import notebooks_dir

    submissions = []
    for path in args.paths:
        submissions += sorted(path.glob("*.ipynb")) if path.is_dir() else [path]
    if args.gradescope and len(submissions) != 1:
        raise ValueError(f"--gradescope writes the results of one submission; "
                         f"{len(submissions)} notebooks were given")
    if args.spec and args.source:
        raise ValueError("give --spec (a grading specification) or --source (the solution "
                         "notebooks), not both")
    source = None if args.spec else (args.source or notebooks_dir())
    grades = homework.grade_all(submissions, source, args.timeout, args.hidden, args.spec)
    print(homework.table(grades))
    if args.csv:
        homework.write_csv(grades, args.csv)
    if args.json:
        homework.write_json(grades, args.json)
    if args.gradescope:
        homework.write_gradescope(grades[0], args.gradescope, args.hidden_visibility)
    return 0


#: Every sub-command and the function that registers it, in the order --help lists them.
COMMANDS = {"env": _add_env, "execute": _add_execute, "train": _add_train, "bench": _add_bench,
            "reproduce": _add_reproduce, "homework": _add_homework, "site": _add_site}


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line like every other input error."""

    def error(self, message: str):
        _fail(self.prog, f"{message} (see {self.prog} --help)")


def _fail(prog: str, message: str):
    print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
    sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m lecturekit", description="Tools of the cnn-lectures course.")
    commands = parser.add_subparsers(dest="command", required=True)
    # Only the command asked for is registered (others import torch, which the grader avoids);
    # without one, or with an unknown one, all are, so --help and argparse's error list them all.
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    known = set(COMMANDS)
    add_commands(commands, only=words[0] if words and words[0] in known else None)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ValueError, TypeError, OSError) as error:
        if os.environ.get("LECTUREKIT_DEBUG"):
            raise
        _fail(f"{parser.prog} {args.command}", str(error) or type(error).__name__)
