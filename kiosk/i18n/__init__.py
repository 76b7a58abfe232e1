"""Translations with gettext, one language per context.

``_`` translates into the language of the current context. The kiosk switches language for each
visitor while a staff station keeps its own, even when both run in one process (``kiosk demo``),
so the language is a context variable that each station sets around the code that makes its text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from kiosk.i18n.catalogs import translations_for

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    endonym: str  # the language's name in its own script: never translated
    english: str


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English"),
    Language("es", "Español", "Spanish"),
    Language("vi", "Tiếng Việt", "Vietnamese"),
    Language("zh_Hant", "繁體中文", "Chinese (Traditional)"),
    Language("ru", "Русский", "Russian"),
)
LANGUAGE_CODES = tuple(lang.code for lang in LANGUAGES)

_default_language = SOURCE_LANGUAGE
_active: ContextVar[str | None] = ContextVar("kiosk_language", default=None)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction; translate it later with ``_``."""
    return message


def current_language() -> str:
    return _active.get() or _default_language


def set_default_language(code: str) -> None:
    """The process-wide language, used where no station has set one."""
    global _default_language
    if code not in LANGUAGE_CODES:
        raise ValueError(f"unsupported language {code!r}")
    _default_language = code


@contextlib.contextmanager
def use_language(code: str) -> Iterator[None]:
    if code not in LANGUAGE_CODES:
        raise ValueError(f"unsupported language {code!r}")
    token = _active.set(code)
    try:
        yield
    finally:
        _active.reset(token)


def _(message: str, **params: object) -> str:
    """Translate ``message`` and fill its ``{name}`` placeholders."""
    text = translations_for(current_language()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations_for(current_language()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def endonym(code: str) -> str:
    return next(lang.endonym for lang in LANGUAGES if lang.code == code)
