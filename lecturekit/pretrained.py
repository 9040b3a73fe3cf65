"""``lk.pretrained`` is :mod:`lecturekit.models.pretrained`: the trained networks that ship with
the course, their records and the plans that make them (it lives in the model zoo, which its
``create(name, pretrained=True)`` serves)."""

import sys

from .models import pretrained

sys.modules[__name__] = pretrained
