"""The lookup catalogue: JSON files of bureaus and entries, checked field by field when loaded.

The shipped files are in resources/catalogue/; an admin's imported files (``kiosk catalog import``) in the
data directory's catalogue/ folder add entries or replace shipped ones with the same id. A broken entry is
reported with its file and field and left out; the rest of the catalogue still serves visitors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.domain.lookup import KINDS, Bureau, Entry
from kiosk.resources import REQUIRED_LOCALES, resource_path

QUEUE_SERVICES = ("information", "permits", "payments", "parking", "accommodation", "bureau", "other")


@dataclass
class Catalogue:
    bureaus: dict[str, Bureau] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file: entries[3].titles.vi: missing"


def shipped_files() -> list[Path]:
    return sorted(resource_path("catalogue").glob("*.json"))


def _translated(where: str, value, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object with a text for each language")
        return None
    missing = [
        lang for lang in REQUIRED_LOCALES if not isinstance(value.get(lang), str) or not value[lang].strip()
    ]
    if missing:
        problems.append(f"{where}.{missing[0]}: missing translation")
        return None
    return {lang: value[lang].strip() for lang in REQUIRED_LOCALES}


def _bureau(where: str, data, problems: list[str]) -> Bureau | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        problems.append(f"{where}.id: missing")
        return None
    texts = {
        name: _translated(f"{where}.{name}", data.get(name), problems)
        for name in ("names", "location", "hours")
    }
    if any(value is None for value in texts.values()):
        return None
    return Bureau(
        data["id"],
        texts["names"],
        texts["location"],
        texts["hours"],
        str(data.get("phone", "")),
        str(data.get("url", "")),
    )


def _entry(where: str, data, problems: list[str]) -> Entry | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        problems.append(f"{where}.id: missing")
        return None
    if data.get("kind") not in KINDS:
        problems.append(f"{where}.kind: must be one of {', '.join(KINDS)}, not {data.get('kind')!r}")
        return None
    titles = _translated(f"{where}.titles", data.get("titles"), problems)
    summaries = _translated(f"{where}.summaries", data.get("summaries"), problems)
    if titles is None or summaries is None:
        return None
    keywords = data.get("keywords", {})
    if not isinstance(keywords, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words) for words in keywords.values()
    ):
        problems.append(f"{where}.keywords: must map each language to a list of words")
        return None
    front_desk = data.get("front_desk")
    if front_desk is not None and front_desk not in QUEUE_SERVICES:
        problems.append(f"{where}.front_desk: must be one of {', '.join(QUEUE_SERVICES)} or null")
        return None
    if not isinstance(data.get("emergency", False), bool):
        problems.append(f"{where}.emergency: must be true or false")
        return None
    return Entry(
        id=data["id"],
        kind=data["kind"],
        titles=titles,
        summaries=summaries,
        keywords={
            lang: tuple(w.strip().lower() for w in words if w.strip()) for lang, words in keywords.items()
        },
        bureau=data.get("bureau"),
        front_desk=front_desk,
        url=str(data.get("url") or ""),
        emergency=data.get("emergency", False),
    )


def load_catalogue(files: list[Path] | None = None) -> Catalogue:
    """Bureaus and entries of ``files`` (the shipped ones by default), later files replacing earlier ids."""
    catalogue = Catalogue()
    entries: dict[str, Entry] = {}
    for path in files if files is not None else shipped_files():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            catalogue.problems.append(f"{path}: cannot be read ({exc})")
            continue
        if not isinstance(data, dict):
            catalogue.problems.append(f"{path}: must hold an object with bureaus and entries")
            continue
        found: list[str] = []
        for index, item in enumerate(data.get("bureaus", [])):
            bureau = _bureau(f"bureaus[{index}]", item, found)
            if bureau is not None:
                catalogue.bureaus[bureau.id] = bureau
        seen: set[str] = set()
        for index, item in enumerate(data.get("entries", [])):
            entry = _entry(f"entries[{index}]", item, found)
            if entry is None:
                continue
            if entry.id in seen:
                found.append(f"entries[{index}].id: {entry.id!r} twice in this file")
                continue
            seen.add(entry.id)
            entries[entry.id] = entry
        catalogue.problems += [f"{path}: {problem}" for problem in found]
    for entry in list(entries.values()):
        if entry.bureau is not None and entry.bureau not in catalogue.bureaus:
            catalogue.problems.append(f"entry {entry.id}: bureau {entry.bureau!r} is not in the catalogue")
            entries[entry.id] = Entry(**{**entry.__dict__, "bureau": None})
    catalogue.entries = list(entries.values())
    return catalogue


def to_json(catalogue: Catalogue) -> dict:
    """The catalogue as one file of the shape the loader reads (for `kiosk catalog export`)."""
    return {
        "bureaus": [
            {
                "id": b.id,
                "names": b.names,
                "location": b.location,
                "hours": b.hours,
                "phone": b.phone,
                "url": b.url,
            }
            for b in catalogue.bureaus.values()
        ],
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "titles": e.titles,
                "summaries": e.summaries,
                "keywords": {lang: list(words) for lang, words in e.keywords.items()},
                "bureau": e.bureau,
                "front_desk": e.front_desk,
                "url": e.url,
                "emergency": e.emergency,
            }
            for e in catalogue.entries
        ],
    }
