"""The development server's requests in its own SQLite file (stdlib sqlite3), with the exact form each
create sent, so that tests can assert what reached the server."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT UNIQUE,
    service_code TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    status_notes TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    address_string TEXT NOT NULL DEFAULT '',
    lat REAL,
    long REAL,
    attributes TEXT NOT NULL,   -- JSON: code -> value, or a list for a multivaluelist
    form TEXT NOT NULL,         -- JSON: every (name, value) pair as received, in order
    raw_body TEXT NOT NULL,     -- the urlencoded body exactly as it came
    jurisdiction_id TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ready_at TEXT,              -- batch: when the token may resolve
    polls_left INTEGER NOT NULL DEFAULT 0,  -- batch: token polls still answered "not yet"
    resolved INTEGER NOT NULL DEFAULT 1
);
"""
_FIRST_ID = 1000  # ids that look like a real service's, not 1, 2, 3


@dataclass(frozen=True)
class StoredRequest:
    service_request_id: str
    service_code: str
    status: str
    status_notes: str
    description: str
    address_string: str
    lat: float | None
    long: float | None
    attributes: dict[str, str | list[str]]
    form: tuple[tuple[str, str], ...]
    raw_body: str
    jurisdiction_id: str
    requested_datetime: datetime
    updated_datetime: datetime
    token: str | None = None
    resolved: bool = True  # a batch request is invisible to requests.json until its token resolves

    def values(self, name: str) -> list[str]:
        """Every value the form sent under ``name`` (a multivaluelist sends several)."""
        return [v for k, v in self.form if k == name]

    def as_json(self) -> dict[str, object]:
        return {
            "service_request_id": self.service_request_id,
            "service_code": self.service_code,
            "status": self.status,
            "status_notes": self.status_notes,
            "description": self.description,
            "address_string": self.address_string,
            "lat": self.lat,
            "long": self.long,
            "attributes": self.attributes,
            "form": [list(pair) for pair in self.form],
            "raw_body": self.raw_body,
            "jurisdiction_id": self.jurisdiction_id,
            "requested_datetime": self.requested_datetime.isoformat(),
            "updated_datetime": self.updated_datetime.isoformat(),
            "token": self.token,
            "resolved": self.resolved,
        }


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class DevStore:
    """One connection behind a lock: the server's handler threads take turns, which is plenty here."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.executescript(_SCHEMA)
            if (
                self._db.execute("SELECT count(*) FROM sqlite_sequence WHERE name='requests'").fetchone()[0]
                == 0
            ):
                self._db.execute(
                    "INSERT INTO sqlite_sequence(name, seq) VALUES ('requests', ?)", (_FIRST_ID,)
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(
        self,
        *,
        service_code: str,
        description: str,
        address_string: str,
        lat: float | None,
        long: float | None,
        attributes: dict[str, str | list[str]],
        form: list[tuple[str, str]],
        raw_body: str,
        jurisdiction_id: str,
        token: str | None = None,
        polls_left: int = 0,
        ready_in: float = 0.0,
    ) -> StoredRequest:
        now = _now()
        ready_at = (datetime.now(UTC) + timedelta(seconds=ready_in)).isoformat() if token else None
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO requests (token, service_code, description, address_string, lat, long, attributes,"
                " form, raw_body, jurisdiction_id, requested_at, updated_at, ready_at, polls_left, resolved)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token,
                    service_code,
                    description,
                    address_string,
                    lat,
                    long,
                    json.dumps(attributes),
                    json.dumps(form),
                    raw_body,
                    jurisdiction_id,
                    now.isoformat(),
                    now.isoformat(),
                    ready_at,
                    polls_left,
                    0 if token else 1,
                ),
            )
            return self._get(cursor.lastrowid)

    def _get(self, row_id: int | str | None) -> StoredRequest:
        row = self._db.execute("SELECT * FROM requests WHERE id = ?", (row_id,)).fetchone()
        return self._request(row)

    def _request(self, row: tuple) -> StoredRequest:
        names = [d[0] for d in self._db.execute("SELECT * FROM requests LIMIT 0").description]
        data = dict(zip(names, row, strict=True))
        return StoredRequest(
            service_request_id=str(data["id"]),
            service_code=data["service_code"],
            status=data["status"],
            status_notes=data["status_notes"],
            description=data["description"],
            address_string=data["address_string"],
            lat=data["lat"],
            long=data["long"],
            attributes=json.loads(data["attributes"]),
            form=tuple((k, v) for k, v in json.loads(data["form"])),
            raw_body=data["raw_body"],
            jurisdiction_id=data["jurisdiction_id"],
            requested_datetime=datetime.fromisoformat(data["requested_at"]),
            updated_datetime=datetime.fromisoformat(data["updated_at"]),
            token=data["token"],
            resolved=bool(data["resolved"]),
        )

    def get(self, request_id: str) -> StoredRequest | None:
        """A request requests/{id}.json may show: stored, and resolved if it came through a token."""
        if not request_id.isdigit():
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM requests WHERE id = ? AND resolved = 1", (int(request_id),)
            ).fetchone()
            return self._request(row) if row else None

    def poll_token(self, token: str) -> tuple[bool, str | None]:
        """(known, id): a poll counts towards resolving; the id once both polls and delay are done."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, ready_at, polls_left, resolved FROM requests WHERE token = ?", (token,)
            ).fetchone()
            if row is None:
                return False, None
            row_id, ready_at, polls_left, resolved = row
            if not resolved:
                if polls_left > 0:
                    self._db.execute(
                        "UPDATE requests SET polls_left = polls_left - 1 WHERE id = ?", (row_id,)
                    )
                    return True, None
                if ready_at and datetime.fromisoformat(ready_at) > datetime.now(UTC):
                    return True, None
                self._db.execute("UPDATE requests SET resolved = 1 WHERE id = ?", (row_id,))
            return True, str(row_id)

    def find(
        self,
        *,
        ids: Iterable[str] | None = None,
        service_codes: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[StoredRequest]:
        where, args = ["resolved = 1"], []
        if ids is not None:
            numbers = [int(i) for i in ids if i.isdigit()]
            where.append(f"id IN ({','.join('?' * len(numbers)) or 'NULL'})")
            args += numbers
        else:
            if service_codes:
                codes = list(service_codes)
                where.append(f"service_code IN ({','.join('?' * len(codes))})")
                args += codes
            if statuses:
                wanted = list(statuses)
                where.append(f"status IN ({','.join('?' * len(wanted))})")
                args += wanted
            rows = self._all_rows(" AND ".join(where), args)
            return [
                r
                for r in rows
                if (start is None or r.requested_datetime >= start)
                and (end is None or r.requested_datetime <= end)
            ]
        return self._all_rows(" AND ".join(where), args)

    def _all_rows(self, where: str, args: list) -> list[StoredRequest]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM requests WHERE {where} ORDER BY id", args).fetchall()
            return [self._request(row) for row in rows]

    def all(self) -> list[StoredRequest]:
        """Every request stored, resolved or not, oldest first."""
        return self._all_rows("1 = 1", [])

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM requests").fetchone()[0]

    def set_status(self, request_id: str, status: str, notes: str = "") -> None:
        with self._lock:
            changed = self._db.execute(
                "UPDATE requests SET status = ?, status_notes = ?, updated_at = ? WHERE id = ?",
                (status, notes, _now().isoformat(), int(request_id)),
            ).rowcount
        if not changed:
            raise KeyError(request_id)
