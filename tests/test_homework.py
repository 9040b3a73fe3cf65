"""Student editions and the grader, on a small notebook with the conventions of the course
(grading executes notebooks in a real kernel: those tests are marked slow)."""

import json

import nbformat
import pytest

from lecturekit import homework

SETUP = "import lecturekit as lk"
PATIENT = 600    # seconds per cell where nothing should hang: generous for a loaded machine
EXERCISE_1 = """### BEGIN SOLUTION
answer = 28 * 28 * 100 + 100
### END SOLUTION
lk.exercises.check("01.1", answer)"""
EXERCISE_2 = """def conv_layer_params(kernel_size, in_channels, out_channels):
    ### BEGIN SOLUTION
    return out_channels * (in_channels * kernel_size * kernel_size + 1)
    ### END SOLUTION


lk.exercises.check("01.2", conv_layer_params)"""


def code(source, exercise=None, points=1):
    cell = nbformat.v4.new_code_cell(source)
    if exercise:
        cell.metadata["lecturekit"] = {"exercise": exercise, "points": points}
    return cell


def course_notebook():
    manual = nbformat.v4.new_markdown_cell("*Your answer here.*")
    manual.metadata["lecturekit"] = {"exercise": "01.4", "points": 2, "manual": True}
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 01 — a test notebook"),
        code(SETUP),
        code("x = 21 * 2\nprint(x)"),
        code(EXERCISE_1, "01.1", 1),
        code(EXERCISE_2, "01.2", 2),
        manual,
    ])


@pytest.fixture
def source_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(course_notebook(), folder / "01_test.ipynb")
    return folder


def test_student_edition_replaces_solutions_and_keeps_the_rest():
    student = homework.student_edition(course_notebook())
    assert "Homework edition" in student.cells[0].source
    sources = [c.source for c in student.cells]
    assert "### BEGIN SOLUTION" not in "".join(sources)
    assert "answer = 28" not in "".join(sources) and "out_channels * (" not in "".join(sources)
    assert sources[4].startswith("# YOUR CODE HERE\nraise NotImplementedError\n")
    assert "    # YOUR CODE HERE\n    raise NotImplementedError" in sources[5]
    assert sources[3] == "x = 21 * 2\nprint(x)"          # the lecture is intact
    assert 'lk.exercises.check("01.2", conv_layer_params)' in sources[5]


@pytest.mark.slow
def test_solution_edition_gets_full_marks(source_dir):
    result = homework.grade(source_dir / "01_test.ipynb", source_dir, timeout=PATIENT)
    assert result.earned == result.auto_points == 3
    assert [s.status for s in result.scores] == ["pass", "pass", "manual"]
    assert result.problems == []


@pytest.mark.slow
def test_untouched_student_edition_gets_zero(source_dir, tmp_path):
    student_dir = tmp_path / "student"
    homework.build([source_dir / "01_test.ipynb"], student_dir)
    result = homework.grade(student_dir / "01_test.ipynb", source_dir, timeout=PATIENT)
    assert result.earned == 0 and result.auto_points == 3
    assert [s.status for s in result.scores[:2]] == ["not answered", "not answered"]
    assert result.problems and all("NotImplementedError" in p for p in result.problems)


@pytest.mark.slow
def test_one_correct_exercise_gets_exactly_its_points(source_dir, tmp_path):
    student = homework.student_edition(course_notebook())
    student.cells[5].source = student.cells[5].source.replace(
        "    # YOUR CODE HERE\n    raise NotImplementedError",
        "    return out_channels * (in_channels * kernel_size ** 2 + 1)")
    student.cells[4].source = student.cells[4].source.replace(
        "# YOUR CODE HERE\nraise NotImplementedError", "answer = 78_400")  # wrong
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student, path)
    result = homework.grade(path, source_dir, timeout=PATIENT)
    assert {s.exercise: s.earned for s in result.scores} == {"01.1": 0, "01.2": 2, "01.4": 0}
    assert result.scores[0].status == "fail"


@pytest.mark.slow
def test_grader_survives_bad_submissions(source_dir, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "01_test.ipynb").write_text("{ this is not json")
    result = homework.grade(broken / "01_test.ipynb", source_dir)
    assert result.earned == 0 and "not a valid notebook" in result.problems[0]

    looping = homework.student_edition(course_notebook())
    looping.cells[4].source = "while True:\n    pass"
    looping.cells[5].source = EXERCISE_2                    # still graded after the loop
    del looping.cells[6]                                    # the open question deleted
    path = tmp_path / "01_test.ipynb"
    nbformat.write(looping, path)
    result = homework.grade(path, source_dir, timeout=30)
    statuses = {s.exercise: s.status for s in result.scores}
    assert statuses == {"01.1": "not answered", "01.2": "pass", "01.4": "missing"}
    assert any("longer than 30 s" in p for p in result.problems)


@pytest.mark.slow
def test_reports(source_dir, tmp_path):
    result = homework.grade(source_dir / "01_test.ipynb", source_dir, timeout=PATIENT)
    homework.write_csv([result], tmp_path / "grades.csv")
    homework.write_json([result], tmp_path / "grades.json")
    assert (tmp_path / "grades.csv").read_text().count("\n") == 4
    assert json.loads((tmp_path / "grades.json").read_text())[0]["earned"] == 3
    assert "3 / 3 auto-graded points" in homework.table([result])


NOTEBOOKS = sorted((__import__("pathlib").Path(__file__).resolve().parent.parent
                    / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_student_editions_of_every_notebook(tmp_path):
    written = homework.build(NOTEBOOKS, tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS] + ["grading-spec.json"]
    written = written[:-1]
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        text = "".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "### BEGIN SOLUTION" not in text and "### END SOLUTION" not in text
        placeholders = text.count("raise NotImplementedError")
        source = "".join(c.source for c in nbformat.read(NOTEBOOKS[written.index(path)],
                                                         as_version=4).cells
                         if c.cell_type == "code")
        assert placeholders >= source.count("### BEGIN SOLUTION") >= 2


@pytest.mark.slow
def test_a_student_edition_fails_only_in_its_exercise_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    monkeypatch.setenv("LECTUREKIT_NO_PROGRESS", "1")
    source = NOTEBOOKS[1]                                    # 01_cnn_vs_dnn: quick to run
    student = homework.student_edition(nbformat.read(source, as_version=4))
    problems: list[str] = []
    homework._run(student, source.parent, 300, problems)
    failing = {int(p.split()[1]) for p in problems}
    exercise_cells = {i for i, c in enumerate(student.cells)         # a prediction's own cell too
                      if homework.exercise_meta(c) or homework.prediction_of(c) is not None}
    assert failing and failing <= exercise_cells
    assert all("NotImplementedError" in p for p in problems)


# --------------------------------------------------------------------------- forging and patching
def student_with(setup_extra="", exercise_1=None, exercise_2=None):
    """The student edition of the test notebook, with code added to the setup cell and the two
    exercise cells replaced."""
    student = homework.student_edition(course_notebook())
    student.cells[2].source += setup_extra
    if exercise_1 is not None:
        student.cells[4].source = exercise_1
    if exercise_2 is not None:
        student.cells[5].source = exercise_2
    return student


FORGED = 'print("PASS exercise {0}: correct.")\nprint("PASS exercise {0}: correct.")'
ATTACKS = {
    "forged PASS lines": dict(exercise_1=FORGED.format("01.1"), exercise_2=FORGED.format("01.2")),
    "check and evaluate replaced": dict(
        setup_extra="\nlk.exercises.check = lambda *a: print('PASS exercise 01.1: correct.')"
                    "\nlk.exercises.evaluate = lambda i, a: lk.exercises.Result(i, True, 'ok')",
        exercise_1="answer = 0\nlk.exercises.check('01.1', answer)",
        exercise_2="def conv_layer_params(*a):\n    return 0\n"
                   "lk.exercises.check('01.2', conv_layer_params)"),
    "checker module, registry and sys.modules patched": dict(
        setup_extra="\nimport sys, lecturekit.exercises.nb01 as nb01"
                    "\nnb01.fully_connected_mnist = lambda a: 'correct.'"
                    "\nfor key in ('01.1', '01.2'):"
                    "\n    lk.exercises._REGISTRY[key] = lk.exercises.Exercise(key, 'x', lambda a: 'ok')"
                    "\nsys.modules['lecturekit.exercises.nb01'] = None"
                    "\nget_ipython().events.register('pre_execute', lambda: None)",
        exercise_1="answer = 1", exercise_2="conv_layer_params = print"),
    "answers whose __eq__ and __float__ lie": dict(
        exercise_1="class Lying(int):\n    def __eq__(self, other):\n        return True\n"
                   "    def __float__(self):\n        return 78500.0\nanswer = Lying(1)",
        exercise_2="class Equal:\n    def __eq__(self, other):\n        return True\n"
                   "def conv_layer_params(*a):\n    return Equal()"),
}


@pytest.mark.slow
def test_forged_pass_lines_score_nothing(source_dir, tmp_path):
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student_with(**ATTACKS["forged PASS lines"]), path)
    result = homework.grade(path, source_dir, timeout=PATIENT)
    assert result.earned == 0
    assert [s.status for s in result.scores[:2]] == ["not answered", "not answered"]
    assert any("checker-like result lines" in f for f in result.flags)


@pytest.mark.slow
@pytest.mark.parametrize("attack", [a for a in ATTACKS if a != "forged PASS lines"])
def test_patching_the_checkers_in_the_notebook_scores_nothing(attack, source_dir, tmp_path):
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student_with(**ATTACKS[attack]), path)
    result = homework.grade(path, source_dir, timeout=PATIENT)
    assert {s.exercise: s.earned for s in result.scores} == {"01.1": 0, "01.2": 0, "01.4": 0}
    assert all(s.status == "fail" for s in result.scores[:2]), homework.table([result])
    if "registry" in attack:
        assert any("IPython event callbacks (pre_execute)" in f for f in result.flags)
        assert any("sys.modules" in f for f in result.flags)


@pytest.mark.slow
def test_a_dead_kernel_is_restarted_and_the_rest_still_graded(source_dir, tmp_path):
    student = homework.student_edition(course_notebook())
    student.cells[4].source = EXERCISE_1
    student.cells[5].source = EXERCISE_2
    student.cells.insert(5, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student, path)
    result = homework.grade(path, source_dir, timeout=PATIENT)
    assert [s.status for s in result.scores] == ["pass", "pass", "manual"]
    assert any("kernel died in cell 5" in p for p in result.problems)


@pytest.mark.slow
def test_reordered_cells_and_lost_metadata_are_still_graded(source_dir, tmp_path):
    student = homework.student_edition(course_notebook())
    student.cells[4].source = EXERCISE_1
    student.cells[5].source = EXERCISE_2
    student.cells[4], student.cells[5] = student.cells[5], student.cells[4]
    student.cells[5].metadata = {}                 # 01.1's cell, found by its check call
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student, path)
    result = homework.grade(path, source_dir, timeout=PATIENT)
    assert result.earned == 3
    assert any("01.1: its cell lost its metadata" in p for p in result.problems)


def test_the_answer_is_checked_right_after_its_cell():
    """Grading evaluates the answer expression of the solution notebook after the exercise
    cell ran, so a later cell that reuses the name changes nothing."""
    assert homework._answer_expression(EXERCISE_1, "01.1") == "answer"
    assert homework._answer_expression(EXERCISE_2, "01.2") == "conv_layer_params"
    assert homework._answer_expression('lk.exercises.check("10.2", (a, b))', "10.2") == "(a, b)"
    assert homework._answer_expression(EXERCISE_1, "01.2") is None


def test_every_auto_graded_exercise_of_the_course_names_its_answer():
    for path in NOTEBOOKS:
        for exercise in homework._source_exercises(path):
            assert exercise["manual"] or exercise["expression"], (path.name, exercise)


def test_every_predicted_exercise_records_its_prediction_in_a_cell_before_its_run():
    from lecturekit import exercises

    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        order = {homework.prediction_of(c): i for i, c in enumerate(cells)
                 if homework.prediction_of(c)}
        for exercise in homework._source_exercises(path):
            if exercise["manual"] or not exercises.predicted(exercise["exercise"]):
                continue
            run = next(i for i, c in enumerate(cells)
                       if (homework.exercise_meta(c) or {}).get("exercise") == exercise["exercise"])
            assert exercise.get("prediction") and order[exercise["exercise"]] < run, exercise


def _cell(source, count, printed=None):
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return {"cell_type": "code", "source": source, "execution_count": count, "outputs": outputs}


def test_a_prediction_counts_only_as_recorded_before_its_run():
    record = "prediction for 11.5 recorded: False\n"
    run = _cell('lk.exercises.check("11.5", curve)', 7)
    assert homework.changed_prediction(_cell("", 6, record), run, "11.5", False) is None
    assert homework.changed_prediction(_cell("", 6, ["x\n", record]), run, "11.5", False) is None
    edited = homework.changed_prediction(_cell("", 6, record), run, "11.5", True)
    rerun = homework.changed_prediction(_cell("", 8, record.replace("False", "True")), run,
                                        "11.5", True)
    never = homework.changed_prediction(_cell("", None), run, "11.5", False)
    assert "written after the cell last ran" in edited and "never ran" in never
    assert "ran after the experiment cell" in rerun


def test_lying_values_compare_unequal():
    from lecturekit.exercises import compare_function, plain, require_number

    class Equal:
        def __eq__(self, other):
            return True

    class Lying(int):
        def __float__(self):
            return 10.0

    assert plain(Equal()) != 10 and plain(Lying(3)) == 3 and require_number(Lying(3)) == 3
    assert plain(__import__("torch").tensor(7)) == 7 and plain((1, [2.5, "x"])) == (1, [2.5, "x"])
    with pytest.raises(Exception, match="expected 10"):
        compare_function(lambda *a: Equal(), [((3, 1, 1), {}, 10)], "f")


# --------------------------------------------------------------------------- hidden cases, reports
HIDDEN_NB01 = '''from lecturekit.exercises import checker, compare_function


@checker("01.2:large layers", "conv_layer_params on layers the notebook does not show", points=2)
def large_layers(function):
    return compare_function(function, [((3, 512, 512), {}, 2_359_808),
                                       ((11, 3, 96), {}, 34_944)], "conv_layer_params")


@checker("01.1:exact", "fully connected layer, as an integer")
def exact(answer):
    from lecturekit.exercises import Failure
    if answer != 78_500:
        raise Failure("not 78,500.")
'''
HARDCODED = """def conv_layer_params(kernel_size, in_channels, out_channels):
    return {(3, 1, 1): 10, (5, 1, 6): 156, (3, 64, 128): 73_856, (1, 256, 64): 16_448,
            (7, 3, 64): 9_472}[(kernel_size, in_channels, out_channels)]"""


@pytest.fixture
def hidden_dir(tmp_path):
    folder = tmp_path / "hidden"
    folder.mkdir()
    (folder / "nb01.py").write_text(HIDDEN_NB01)
    return folder


def test_hidden_files_list_their_cases(hidden_dir, source_dir):
    exercises = homework._source_exercises(source_dir / "01_test.ipynb")
    checkers = homework.load_checkers(exercises, hidden_dir)
    assert checkers.hidden_cases == {
        "01.1": [("01.1:exact", "fully connected layer, as an integer", 1)],
        "01.2": [("01.2:large layers", "conv_layer_params on layers the notebook does not show",
                  2)]}
    (hidden_dir / "nb01.py").write_text(HIDDEN_NB01.replace('"01.1:exact"', '"01.9:exact"'))
    with pytest.raises(ValueError, match="01.9:exact"):
        homework.load_checkers(exercises, hidden_dir)


@pytest.mark.slow
def test_hidden_cases_end_to_end_and_the_other_submissions_still_graded(source_dir, hidden_dir,
                                                                        tmp_path):
    from lecturekit.__main__ import main

    folder = tmp_path / "submissions"
    folder.mkdir()
    rewrite = (f"\nopen({str(hidden_dir / 'nb01.py')!r}, 'w').write("
               "'from lecturekit.exercises import checker\\n'"
               "'checker(\"01.2:large layers\", \"x\", points=2)(lambda a: None)\\n')")
    nbformat.write(student_with(setup_extra=rewrite, exercise_1=EXERCISE_1, exercise_2=HARDCODED),
                   folder / "alice.ipynb")                 # rewrites the hidden file: in vain
    (folder / "bob.ipynb").write_text("{ not json")
    assert main(["homework", "grade", str(folder), "--source", str(source_dir / "01_test.ipynb"),
                 "--hidden", str(hidden_dir), "--timeout", str(PATIENT), "--csv",
                 str(tmp_path / "g.csv"), "--json", str(tmp_path / "g.json")]) == 0
    assert "lambda a: None" in (hidden_dir / "nb01.py").read_text()   # alice's kernel wrote it
    alice, bob = json.loads((tmp_path / "g.json").read_text())
    assert (alice["public_earned"], alice["public_points"]) == (3, 3)
    assert (alice["hidden_earned"], alice["hidden_points"]) == (1, 3)
    assert {s["case"]: s["status"] for s in alice["hidden"]} == {"01.1:exact": "pass",
                                                                "01.2:large layers": "fail"}
    assert bob["earned"] == 0 and "not a valid notebook" in bob["problems"][0]
    assert [s["status"] for s in bob["hidden"]] == ["missing", "missing"]
    rows = (tmp_path / "g.csv").read_text().splitlines()
    assert rows[0].startswith("submission,kind,case") and sum(",hidden," in r for r in rows) == 4


@pytest.mark.slow
def test_gradescope_results_from_the_same_run(source_dir, hidden_dir, tmp_path):
    from lecturekit.__main__ import main

    results = tmp_path / "results" / "results.json"
    assert main(["homework", "grade", str(source_dir / "01_test.ipynb"), "--source",
                 str(source_dir), "--hidden", str(hidden_dir), "--gradescope", str(results),
                 "--json", str(tmp_path / "g.json")]) == 0
    data = json.loads(results.read_text())
    assert data["score"] == 6 == json.loads((tmp_path / "g.json").read_text())[0]["earned"]
    assert [(t["name"], t["score"], t["max_score"], t["visibility"]) for t in data["tests"]] == [
        ("exercise 01.1", 1, 1, "visible"), ("exercise 01.2", 2, 2, "visible"),
        ("hidden case 01.1:exact", 1, 1, "after_published"),
        ("hidden case 01.2:large layers", 2, 2, "after_published")]
    assert "graded by hand: 01.4" in data["output"]


def test_gradescope_format():
    g = homework.Grade("s.ipynb", "s.ipynb", scores=[
        homework.ExerciseScore("01.1", 1, 0, "fail", "too small", case="01.1"),
        homework.ExerciseScore("01.4", 2, 0, "manual", "because", case="01.4")],
        hidden=[homework.ExerciseScore("01.1", 2, 2, "pass", "", "hidden", "01.1:x")])
    data = homework.gradescope_results(g, "hidden")
    assert data["score"] == 2 and len(data["tests"]) == 2
    assert data["tests"][0] == {"name": "exercise 01.1", "score": 0, "max_score": 1,
                                "status": "failed", "output": "fail: too small",
                                "visibility": "visible"}
    assert data["tests"][1]["visibility"] == "hidden"
    with pytest.raises(ValueError, match="hidden_visibility must be one of"):
        homework.gradescope_results(g, "later")


# --------------------------------------------------------------------------- model answers
# An open question's model answer is a markdown cell right after its answer cell, with metadata
# {"lecturekit": {"model_answer": "NN.k"}}: in the instructor copy only.
MODEL_TEXT = "Compute-bound layers need ..."     # a model answer's text, found nowhere else


def model_answer(exercise="01.4", text=MODEL_TEXT):
    cell = nbformat.v4.new_markdown_cell(f"{homework.MODEL_ANSWER}\n{text}")
    cell.metadata["lecturekit"] = {"model_answer": exercise}
    return cell


def instructor_notebook():
    """The test notebook with a model answer after its open question."""
    notebook = course_notebook()
    notebook.cells.append(model_answer())
    return notebook


def test_student_edition_takes_out_the_model_answers():
    notebook = instructor_notebook()
    student = homework.student_edition(notebook)
    text = "".join(c.source for c in student.cells)
    assert MODEL_TEXT not in text and "Model answer" not in text
    assert len(student.cells) == len(notebook.cells)       # the answer out, the instructions in
    assert homework.exercise_meta(student.cells[-1])["exercise"] == "01.4"   # the question stays
    assert MODEL_TEXT in notebook.cells[-1].source          # the instructor copy is untouched


def test_a_model_answer_must_name_an_open_question_of_its_notebook(tmp_path):
    for wrong in ("01.1", "01.9", "02.4"):                  # auto-graded, absent, other notebook
        notebook = course_notebook()
        notebook.cells.append(model_answer(wrong))
        with pytest.raises(ValueError, match=f"model_answer '{wrong}' in cell 6 names no open "
                                             "question of this notebook; choose one of 01.4"):
            homework.student_edition(notebook)
    nbformat.write(notebook, tmp_path / "01_test.ipynb")
    with pytest.raises(ValueError, match="^01_test.ipynb: model_answer '02.4'"):
        homework.build([tmp_path / "01_test.ipynb"], tmp_path / "out")


def test_a_model_answer_without_its_metadata_is_refused():
    notebook = instructor_notebook()
    notebook.cells[-1].metadata = {}                        # would reach the students
    with pytest.raises(ValueError, match="cell 6 starts like a model answer but has no metadata"):
        homework.student_edition(notebook)


def test_a_model_answer_is_no_exercise_for_the_grader(tmp_path):
    plain, answered = tmp_path / "plain.ipynb", tmp_path / "answered.ipynb"
    nbformat.write(course_notebook(), plain)
    nbformat.write(instructor_notebook(), answered)
    assert homework._source_exercises(answered) == homework._source_exercises(plain)
    cells = instructor_notebook().cells
    assert homework._exercise_cells(cells, homework._source_exercises(answered), []) == {
        3: "01.1", 4: "01.2", 5: "01.4"}


@pytest.mark.slow
def test_an_instructor_copy_with_model_answers_grades_as_before(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(instructor_notebook(), folder / "01_test.ipynb")
    result = homework.grade(folder / "01_test.ipynb", folder, timeout=PATIENT)
    assert result.earned == result.auto_points == 3
    assert [(s.exercise, s.status) for s in result.scores] == [
        ("01.1", "pass"), ("01.2", "pass"), ("01.4", "manual")]
    assert result.problems == []


def model_answers(notebook) -> dict[int, str]:
    return {i: homework.model_answer_of(c) for i, c in enumerate(notebook.cells)
            if homework.model_answer_of(c) is not None}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_model_answer_reaches_the_student_edition(path):
    notebook = nbformat.read(path, as_version=4)
    student = "\n".join(c.source for c in homework.student_edition(notebook).cells)
    assert homework.MODEL_ANSWER not in student
    for index in model_answers(notebook):
        body = notebook.cells[index].source.replace(homework.MODEL_ANSWER, "").strip()
        assert body and body not in student


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_open_question_has_one_model_answer_right_after_its_answer_cell(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    manual = {i: meta["exercise"] for i, c in enumerate(cells)
              if (meta := homework.exercise_meta(c)) and meta.get("manual")}
    answers = model_answers(notebook)
    assert sorted(answers.values()) == sorted(manual.values()), "one model answer per question"
    for index, exercise in manual.items():
        assert answers.get(index + 1) == exercise, f"{exercise}: the model answer must follow it"
        answer = cells[index + 1]
        assert answer.cell_type == "markdown" and answer.source.startswith(homework.MODEL_ANSWER)
        assert 4 <= len(answer.source.strip().splitlines()) <= 10, f"{exercise}: 4 to 10 lines"
