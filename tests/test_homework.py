"""Student editions and the grader, on a small notebook with the conventions of the course
(grading executes notebooks in a real kernel, so each test takes a few seconds)."""

import json

import nbformat
import pytest

from lecturekit import homework

SETUP = "import lecturekit as lk"
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


def test_solution_edition_gets_full_marks(source_dir):
    result = homework.grade(source_dir / "01_test.ipynb", source_dir, timeout=60)
    assert result.earned == result.auto_points == 3
    assert [s.status for s in result.scores] == ["pass", "pass", "manual"]
    assert result.problems == []


def test_untouched_student_edition_gets_zero(source_dir, tmp_path):
    student_dir = tmp_path / "student"
    homework.build([source_dir / "01_test.ipynb"], student_dir)
    result = homework.grade(student_dir / "01_test.ipynb", source_dir, timeout=60)
    assert result.earned == 0 and result.auto_points == 3
    assert [s.status for s in result.scores[:2]] == ["not answered", "not answered"]
    assert result.problems and all("NotImplementedError" in p for p in result.problems)


def test_one_correct_exercise_gets_exactly_its_points(source_dir, tmp_path):
    student = homework.student_edition(course_notebook())
    student.cells[5].source = student.cells[5].source.replace(
        "    # YOUR CODE HERE\n    raise NotImplementedError",
        "    return out_channels * (in_channels * kernel_size ** 2 + 1)")
    student.cells[4].source = student.cells[4].source.replace(
        "# YOUR CODE HERE\nraise NotImplementedError", "answer = 78_400")  # wrong
    path = tmp_path / "01_test.ipynb"
    nbformat.write(student, path)
    result = homework.grade(path, source_dir, timeout=60)
    assert {s.exercise: s.earned for s in result.scores} == {"01.1": 0, "01.2": 2, "01.4": 0}
    assert result.scores[0].status == "fail"


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


def test_reports(source_dir, tmp_path):
    result = homework.grade(source_dir / "01_test.ipynb", source_dir, timeout=60)
    homework.write_csv([result], tmp_path / "grades.csv")
    homework.write_json([result], tmp_path / "grades.json")
    assert (tmp_path / "grades.csv").read_text().count("\n") == 4
    assert json.loads((tmp_path / "grades.json").read_text())[0]["earned"] == 3
    assert "3 / 3 auto-graded points" in homework.table([result])


NOTEBOOKS = sorted((__import__("pathlib").Path(__file__).resolve().parent.parent
                    / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_student_editions_of_every_notebook(tmp_path):
    written = homework.build(NOTEBOOKS, tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        text = "".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "### BEGIN SOLUTION" not in text and "### END SOLUTION" not in text
        placeholders = text.count("raise NotImplementedError")
        source = "".join(c.source for c in nbformat.read(NOTEBOOKS[written.index(path)],
                                                         as_version=4).cells
                         if c.cell_type == "code")
        assert placeholders >= source.count("### BEGIN SOLUTION") >= 2


def test_a_student_edition_fails_only_in_its_exercise_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("LECTUREKIT_PROFILE", "smoke")
    monkeypatch.setenv("LECTUREKIT_NO_PROGRESS", "1")
    source = NOTEBOOKS[1]                                    # 01_cnn_vs_dnn: quick to run
    student = homework.student_edition(nbformat.read(source, as_version=4))
    problems: list[str] = []
    homework._run(student, source.parent, 300, problems)
    failing = {int(p.split()[1]) for p in problems}
    exercise_cells = {i for i, c in enumerate(student.cells) if homework.exercise_meta(c)}
    assert failing and failing <= exercise_cells
    assert all("NotImplementedError" in p for p in problems)
