"""The course catalogue: the repository's address (defined here only) and the notebooks in
slide order, with the slides each one covers."""

from __future__ import annotations

from dataclasses import dataclass

#: The one place the repository's address is written. Notebook badges and setup cells are
#: checked against it by ``tests/test_notebook_conventions.py``.
GITHUB_REPOSITORY = "cnn-lectures/cnn-lectures"
REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"
BRANCH = "main"


@dataclass(frozen=True)
class Lecture:
    number: int
    slug: str
    title: str
    slides: str
    ready: bool = False  # the notebook exists (a test keeps this in step with notebooks/)

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.slug}.ipynb"


LECTURES: tuple[Lecture, ...] = (
    Lecture(0, "course_overview", "Course overview and environment check", "timeline (slide 8)", ready=True),
    Lecture(1, "cnn_vs_dnn", "CNN vs DNN: why weight sharing", "slide 2", ready=True),
    Lecture(2, "convolution", "The convolutional layer", "slide 3", ready=True),
    Lecture(3, "pooling", "Pooling", "slide 4", ready=True),
    Lecture(4, "activations", "Activation functions", "slide 5", ready=True),
    Lecture(5, "fully_connected_end_to_end", "Fully connected layers and end-to-end learning",
            "slides 6-7", ready=True),
    Lecture(6, "lenet5", "LeNet-5", "slide 1", ready=True),
    Lecture(7, "alexnet", "AlexNet", "slides 9-10", ready=True),
    Lecture(8, "nin", "Network in Network", "slide 11", ready=True),
    Lecture(9, "vgg", "VGG", "slide 12", ready=True),
    Lecture(10, "googlenet", "GoogLeNet / Inception v1", "slides 13-14", ready=True),
    Lecture(11, "batch_norm", "Batch Normalization", "slide 15", ready=True),
    Lecture(12, "inception_v3_xception", "Inception v2/v3 and Xception", "slides 14, 16", ready=True),
    Lecture(13, "resnet", "ResNet", "slide 17", ready=True),
    Lecture(14, "resnet_family", "The ResNet family", "slide 18", ready=True),
    Lecture(15, "densenet", "DenseNet", "slide 19", ready=True),
    Lecture(16, "comparison", "Architecture evolution side by side", "slide 9 and Part 2",
            ready=True),
)


def colab_url(filename: str) -> str:
    """The 'Open in Colab' address of ``notebooks/<filename>``."""
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}"
        f"/blob/{BRANCH}/notebooks/{filename}"
    )


def colab_badge(filename: str) -> str:
    """Markdown for the 'Open in Colab' badge of a notebook."""
    image = "https://colab.research.google.com/assets/colab-badge.svg"
    return f"[![Open In Colab]({image})]({colab_url(filename)})"


def pip_install_command() -> str:
    """What a notebook's setup cell runs on Colab: installs lecturekit and nothing Colab has."""
    return f'%pip install -q "lecturekit @ git+{REPOSITORY_URL}@{BRANCH}"'


def notebook_table() -> str:
    """The course as a markdown table: each notebook, its slides, a Colab link, or
    "coming" for notebooks not written yet."""
    rows = ["| # | notebook | slides | Colab |", "|---|---|---|---|"]
    for lecture in LECTURES:
        if lecture.ready:
            name = f"[{lecture.title}]({lecture.filename})"
            colab = f"[open]({colab_url(lecture.filename)})"
        else:
            name, colab = f"{lecture.title} *(coming)*", ""
        rows.append(f"| {lecture.number:02d} | {name} | {lecture.slides} | {colab} |")
    return "\n".join(rows)
