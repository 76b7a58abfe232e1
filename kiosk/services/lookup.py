"""Finding city information: the shipped catalogue, an admin's imported files, and the central 311
service's own services (kept from its last answer), searched together."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain import lookup as rules
from kiosk.domain.lookup import Entry
from kiosk.resources.catalogue_loader import Catalogue, load_catalogue, shipped_files
from kiosk.services import requests
from kiosk.services.context import ServiceContext
from kiosk.services.requests import Offered

log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: dict[str, tuple[Catalogue, list]] = {}


@dataclass(frozen=True)
class Found:
    entries: list[Entry]
    catalogue: Catalogue


def catalogue_files(data_dir: Path | None) -> list[Path]:
    imported = sorted((data_dir / "catalogue").glob("*.json")) if data_dir else []
    return shipped_files() + imported


def catalogue(data_dir: Path | None = None) -> tuple[Catalogue, list]:
    """Loaded and indexed once per process (files change only with an import, which reloads it)."""
    key = str(data_dir or "")
    with _lock:
        if key not in _loaded:
            loaded = load_catalogue(catalogue_files(data_dir))
            for problem in loaded.problems:
                log.warning("Catalogue entry left out: %s", problem)
            _loaded[key] = (loaded, rules.index(loaded.entries))
        return _loaded[key]


def forget_loaded() -> None:
    with _lock:
        _loaded.clear()


def from_central(offered: list[Offered]) -> list[Entry]:
    """The central service's reports and requests as entries: found by their names and keywords, they lead
    into the report form."""
    entries = []
    for item in offered:
        service = item.service
        names = {lang: service.name for lang in ("en", "es", "vi", "zh_Hant", "ru")}
        entries.append(
            Entry(
                id=f"open311-{service.code}",
                kind="report",
                titles=names,
                summaries={lang: service.description for lang in names},
                keywords={"en": tuple(k.lower() for k in service.keywords)},
                open311_code=service.code,
            )
        )
    return entries


def search(ctx: ServiceContext | None, text: str, data_dir: Path | None = None, limit: int = 12) -> Found:
    loaded, indexed = catalogue(data_dir)
    found = rules.search(indexed, text, limit)
    if ctx is not None:
        central = from_central(requests.offered(ctx))
        if central:
            # The central service's few services, indexed with each search: they change without a release.
            found = (
                rules.search(rules.index(loaded.entries + central), text, limit)
                if found is not None
                else found
            )
    return Found(found, loaded)


def browse(ctx: ServiceContext | None, kind: str, data_dir: Path | None = None) -> Found:
    """Every entry of a kind (Find, Report, ...), in title order; the central service's reports with Report."""
    loaded, _indexed = catalogue(data_dir)
    entries = [e for e in loaded.entries if e.kind == kind]
    if kind == "report" and ctx is not None:
        entries += from_central(requests.offered(ctx))
    return Found(sorted(entries, key=lambda e: e.title("en").casefold()), loaded)
