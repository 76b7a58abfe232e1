"""The queue services a visitor can check in for (the big buttons on the kiosk).

Names and descriptions are translated data (a mapping of locale to text), not gettext messages:
a city edits them without a release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FALLBACK_LOCALE = "en"


def pick_translation(texts: dict[str, str], locale: str) -> str:
    """The text for ``locale``, falling back to its language, then English, then anything."""
    if not texts:
        return ""
    if texts.get(locale):
        return texts[locale]
    language = locale.split("_")[0]
    for key, value in texts.items():
        if key.split("_")[0] == language and value:
            return value
    return texts.get(FALLBACK_LOCALE) or next(iter(texts.values()))


@dataclass(frozen=True)
class QueueService:
    code: str
    prefix: str
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    sort_order: int = 0
    priority: int = 0
    average_minutes: float = 8.0
    active: bool = True

    def name(self, locale: str) -> str:
        return pick_translation(self.names, locale)

    def description(self, locale: str) -> str:
        return pick_translation(self.descriptions, locale)
