"""PySide6 must not drop references to None: on Python 3.11, where None is still reference-counted, the
kiosk would abort with "deallocating None" after a few thousand Qt calls (PySide6 6.12.0 did, after a
few dozen visitors; tests/benchmarks/soak.py found it)."""

from __future__ import annotations

import gc
import sys

import pytest

# Few enough that a PySide6 with the bug does not kill the test run before the assertion says why.
CALLS = 1_000


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683)")
def test_qt_calls_returning_nothing_keep_none_alive(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(CALLS // 2):
        label.setText("A012")
        label.setVisible(False)
    gc.collect()
    lost = before - sys.getrefcount(None)
    if lost > 0:
        import ctypes

        # Give the references back, so that the rest of the run survives to report this failure.
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    assert lost < CALLS // 100, f"{lost} references to None lost in {CALLS} Qt calls (PySide6 bug)"
