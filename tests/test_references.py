"""Published figures by one schema (lecturekit/references.py)."""

import pytest

from lecturekit import references


def test_every_published_figure_has_a_kind_a_unit_and_a_source():
    assert [r.top5_error for r in references.ILSVRC] == [28.2, 25.8, 16.4, 11.7, 7.3, 6.7, 3.57]
    for name, entry in references.ENTRIES.items():
        assert entry.name == name and entry.figures
        for figure in entry.figures:
            assert figure.kind in references.KINDS and figure.unit == references.KINDS[figure.kind]
            assert figure.paper in references.PAPERS and figure.where


def test_a_figure_is_reached_by_name_and_kind():
    assert references.entry("resnet50").published("top1_error").value == 22.85
    assert references.entry("resnet50").published("mult_adds").value == 3.8e9
    assert references.entry("googlenet").published("parameters").where.startswith("Table 1")
    assert references.entry("resnet20_cifar").published("cifar10_error").value == 8.75
    assert references.entry("resnet50").kinds == ["mult_adds", "top1_error", "top5_error"]


def test_a_network_s_own_paper_is_the_default_source_and_others_are_asked_for():
    v3 = references.entry("inception_v3")
    assert v3.published("top1_error").paper == "inception_v3"
    assert v3.published("top1_error", paper="xception").value == 21.8     # 100 - 78.2
    assert v3.published("top1_error", paper="inception_v4").where.startswith("Table 2")
    assert references.entry("preact_resnet1001_cifar").published("cifar10_error").value == 4.92
    assert references.entry("preact_resnet1001_cifar").published(
        "cifar10_error", paper="densenet").value == 4.62


def test_two_settings_in_one_paper_must_be_chosen_between():
    resnet110 = references.entry("resnet110_cifar")
    assert resnet110.published("cifar10_error").value == 6.43
    assert resnet110.published("cifar10_error", setting="stochastic depth").value == 5.25
    with pytest.raises(ValueError, match="setting='constant depth'"):
        resnet110.published("cifar10_error", paper="stochastic_depth")


def test_missing_figures_are_one_sentence_errors_or_the_default():
    with pytest.raises(ValueError, match="kind='top1': unknown kind.*top1_error"):
        references.entry("resnet50").published("top1")
    with pytest.raises(ValueError, match="no parameters figure published for resnet50; published: mult_adds"):
        references.entry("resnet50").published("parameters")
    with pytest.raises(ValueError, match="no published figures for 'resnt50'; closest names: resnet50"):
        references.entry("resnt50").published("top1_error")
    assert references.entry("densenet161").published("top1_error", default=None) is None
    with pytest.raises(TypeError, match="name must be a model name"):
        references.entry(50)


def test_the_old_tables_still_answer_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match=r"references.PUBLISHED is deprecated; use .*entry\(name\)"):
        published = references.PUBLISHED
    assert published["alexnet"]["top1"].value == 40.7
    assert published["inception_v3"]["top1_accuracy"].value == 78.2
    assert published["inception_v3"]["top1"].paper == "xception"
    assert published["inception_v3"]["top1_own_paper"].value == 21.2
    assert published["inception_v4"]["v4_table2_top1"].value == 20.0
    assert published["googlenet"]["fewer_than_alexnet"].value == 12
    assert published["vgg13"]["shallow_5x5_top1_increase"].value == 7.0
    with pytest.warns(DeprecationWarning, match="CIFAR10_ERRORS"):
        errors = references.CIFAR10_ERRORS
    assert errors["resnet1001_cifar (original units)"].value == 7.61
    assert errors["preact_resnet1001_cifar (DenseNet's Table 2)"].value == 4.62
    assert errors["resnet110_cifar (stochastic depth)"].value == 5.25
    assert errors["resnet110_cifar"].value == 6.43
    with pytest.raises(AttributeError, match="has no attribute 'NOTHING'"):
        references.NOTHING  # noqa: B018
