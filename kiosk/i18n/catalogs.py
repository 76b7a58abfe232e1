"""Loading gettext catalogs, compiling a .po on first use when no .mo was built."""

from __future__ import annotations

import gettext
import io
import logging
import os
import threading
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
_lock = threading.Lock()


def po_path(code: str) -> Path:
    return TRANSLATIONS_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_all(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Write a .mo beside every .po (at build or install time)."""
    written = []
    for po in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po(po))
        written.append(mo)
    return written


@cache
def _load(code: str) -> gettext.NullTranslations:
    po = po_path(code)
    mo = po.with_suffix(".mo")
    if not po.exists():
        if mo.exists():  # a bundle (installer/kiosk.spec) ships the compiled catalogues alone
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        return gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    data = compile_po(po)
    try:
        # Written aside and renamed: another station starting at the same moment never reads half a file.
        partial = mo.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, mo)
    except OSError:
        log.info("Could not save the compiled catalogue %s; it is compiled in memory each start", mo)
    return gettext.GNUTranslations(io.BytesIO(data))


def translations_for(code: str) -> gettext.NullTranslations:
    with _lock:
        return _load(code)
