"""Data files shipped with the program, loaded and checked."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from kiosk.domain.services import QueueService

REQUIRED_LOCALES = ("en", "es", "vi", "zh_Hant", "ru")


class ResourceError(ValueError):
    """A shipped or imported data file is broken; the message names the file and the field."""


def resource_path(*parts: str) -> Path:
    return Path(str(resources.files("kiosk.resources").joinpath(*parts)))


def load_queue_services(path: Path | None = None) -> list[QueueService]:
    path = path or resource_path("queue_services.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc
    services = []
    for index, entry in enumerate(data.get("services", [])):
        where = f"{path}: services[{index}]"
        for key in ("code", "prefix", "names"):
            if not entry.get(key):
                raise ResourceError(f"{where}: missing field {key!r}")
        if not (len(entry["prefix"]) == 1 and entry["prefix"].isalpha() and entry["prefix"].isupper()):
            raise ResourceError(f"{where}.prefix: must be one capital letter, not {entry['prefix']!r}")
        for locale in REQUIRED_LOCALES:
            if not entry["names"].get(locale):
                raise ResourceError(f"{where}.names.{locale}: missing translation")
        services.append(
            QueueService(
                code=entry["code"],
                prefix=entry["prefix"],
                names=dict(entry["names"]),
                descriptions=dict(entry.get("descriptions", {})),
                sort_order=int(entry.get("sort_order", index)),
                priority=int(entry.get("priority", 0)),
                average_minutes=float(entry.get("average_minutes", 8)),
            )
        )
    prefixes = [s.prefix for s in services]
    if len(set(prefixes)) != len(prefixes):
        raise ResourceError(f"{path}: two services share a ticket letter")
    return services
