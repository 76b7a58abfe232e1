"""PySide6's import hook no longer keeps the source of every module imported after it
(kiosk/ui/pyside_import_hook.py), and still tells modules that use PySide6 from the others."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import json, linecache, sys
    sys.path.insert(0, sys.argv[1])
    import kiosk.ui  # the kiosk's UI package, as every station imports it
    import uses_qt, plain_module
    from shibokensupport import feature
    print(json.dumps({
        "kept": sorted(name for name in linecache.cache if name.endswith(("uses_qt.py", "plain_module.py"))),
        "uses_qt": feature.pyside_feature_dict.get("uses_qt"),
        "plain_module": feature.pyside_feature_dict.get("plain_module"),
        "replaced": getattr(feature._mod_uses_pyside, "_kiosk_reads_and_forgets", False),
    }))
    """
)


def test_modules_imported_after_pyside_are_classified_and_their_source_is_not_kept(tmp_path: Path):
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n" + "x = 1\n" * 2000)
    (tmp_path / "plain_module.py").write_text("import json\n" + "y = 2\n" * 2000)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["replaced"] is True
    assert seen["kept"] == []
    # PySide6's own answer: 0 lets a module switch features on, -1 leaves it alone.
    assert seen["uses_qt"] == 0
    assert seen["plain_module"] == -1


def test_without_the_fix_pyside_keeps_the_source(tmp_path: Path):
    """The fix is still needed with the PySide6 installed: should a release stop keeping the source,
    this test says so, and kiosk/ui/pyside_import_hook.py can go."""
    (tmp_path / "plain_module.py").write_text("y = 2\n")
    probe = (
        "import linecache, sys; sys.path.insert(0, sys.argv[1]); import PySide6.QtCore; import plain_module; "
        "print(any(n.endswith('plain_module.py') for n in linecache.cache))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
