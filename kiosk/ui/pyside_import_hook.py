"""PySide6's import hook, made to stop keeping the source of every module imported after it.

To learn whether a module may use its ``__feature__`` switches, PySide6 (6.11 here) calls
``inspect.getsource`` on every Python module imported after it, and looks for "PySide6" in the text.
``inspect`` reads the file through ``linecache``, which keeps every line for good: about 9 MB of source
text (20 MB with its bookkeeping) that a kiosk carries all day, mostly SQLAlchemy's
(tests/benchmarks/soak.py). A later upstream version of that hook no longer imports ``inspect``
(tests/unit/test_pyside_import_hook.py tells when the installed PySide6 no longer needs this). The
question asked here is the same, of the file's bytes, read and let go.
"""

from __future__ import annotations

import sys

import PySide6  # noqa: F401 - loads shiboken6, which installs the hook

_MARK = "_kiosk_reads_and_forgets"


def quiet() -> bool:
    """Replace the hook's source check; True when it was found (and now is) replaced."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, _MARK, False):
        return True

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    setattr(uses_pyside, _MARK, True)
    feature._mod_uses_pyside = uses_pyside
    return True
