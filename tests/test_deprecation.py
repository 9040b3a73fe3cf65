"""Old names that still work and say what replaced them (lecturekit/_deprecation.py)."""

import warnings

import pytest

from lecturekit import _deprecation


def test_an_old_module_attribute_warns_at_its_caller_and_returns_the_new_value():
    getattr_ = _deprecation.module_getattr("somewhere", {"OLD": ("somewhere.new()", lambda: 42)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert getattr_("OLD") == 42
    assert [str(w.message) for w in caught] == ["somewhere.OLD is deprecated; use somewhere.new()"]
    assert caught[0].category is DeprecationWarning
    with pytest.raises(AttributeError, match="module 'somewhere' has no attribute 'NEW'"):
        getattr_("NEW")


@pytest.mark.parametrize("to_caller", [False, True])
def test_the_warning_points_at_the_package_until_the_notebooks_are_migrated(monkeypatch, to_caller):
    monkeypatch.setattr(_deprecation, "ATTRIBUTE_TO_CALLER", to_caller)
    getattr_ = _deprecation.module_getattr("somewhere", {"OLD": ("somewhere.new()", lambda: 42)})
    with pytest.warns(DeprecationWarning) as caught:
        getattr_("OLD")
    assert caught[0].filename == (__file__ if to_caller else _deprecation.__file__)
