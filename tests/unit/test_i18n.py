"""Every message is translated into every language, with the same placeholders, and the template is current."""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGE_CODES, LANGUAGES, _, ngettext, use_language
from kiosk.i18n.catalogs import TRANSLATIONS_DIR, compile_po, po_path
from kiosk.i18n.formatting import format_wait

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in LANGUAGE_CODES if code != "en"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def messages(path: Path):
    return [m for m in catalog(path) if m.id]


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pot") / "kiosk.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def test_the_template_matches_the_code(fresh_template):
    in_code = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages(fresh_template)}
    shipped = {
        m.id if isinstance(m.id, str) else tuple(m.id) for m in messages(TRANSLATIONS_DIR / "kiosk.pot")
    }
    assert in_code - shipped == set(), "run the extract and update commands in the README"
    assert shipped - in_code == set(), "the template holds messages the code no longer uses"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code, fresh_template):
    translated = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in messages(po_path(code))}
    for message in messages(fresh_template):
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        assert key in translated, f"{code}: missing {key!r}"
        found = translated[key]
        assert "fuzzy" not in found.flags, f"{code}: fuzzy {key!r}"
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        assert all(s.strip() for s in strings), f"{code}: empty translation of {key!r}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_survive_translation(code):
    for message in messages(po_path(code)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == expected, f"{code}: {message.id!r} -> {text!r}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogues_compile_and_pass_babel_checks(code):
    cat = catalog(po_path(code))
    problems = [(m.id, errors) for m, errors in cat.check() if errors]
    assert problems == []
    assert compile_po(po_path(code))


def test_language_is_per_context():
    with use_language("es"):
        assert _("Back") == "Atrás"
        with use_language("ru"):
            assert _("Back") == "Назад"
        assert _("Back") == "Atrás"
    assert _("Back") == "Back"


def test_placeholders_are_filled():
    with use_language("vi"):
        assert _("Ticket number {number}", number="A012") == "Số A012"


def test_russian_plurals_have_three_forms():
    with use_language("ru"):
        texts = [
            ngettext("This screen will close in {n} second.", "This screen will close in {n} seconds.", n)
            for n in (1, 3, 5, 21)
        ]
    assert texts[0].endswith("1 секунду.") and texts[1].endswith("3 секунды.")
    assert texts[2].endswith("5 секунд.") and texts[3].endswith("21 секунду.")


@pytest.mark.parametrize(
    ("code", "minutes", "expected"),
    [
        ("en", 0, "No wait"),
        ("en", 1, "About 1 minute"),
        ("en", 60, "About 1 hour"),
        ("en", 95, "About 1 h 35 min"),
        ("es", 8, "Aproximadamente 8 minutos"),
        ("zh_Hant", 8, "約 8 分鐘"),
        ("ru", 22, "Около 22 минут"),
    ],
)
def test_waits_read_naturally(code, minutes, expected):
    with use_language(code):
        assert format_wait(timedelta(minutes=minutes)) == expected


def test_languages_are_named_in_their_own_script():
    assert [lang.endonym for lang in LANGUAGES] == ["English", "Español", "Tiếng Việt", "繁體中文", "Русский"]
