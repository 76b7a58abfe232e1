"""Faults the development server injects, per call, scripted in order or drawn at random.

A scripted fault is used once, by the next call of its kind; an entry None lets one call through
untouched. When a call's script is empty, the call's probabilities (if any) are drawn.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

CALLS = ("services", "definition", "create", "token", "find", "request")
ANY_CALL = "*"

# Answered instead of the call, before anything is stored.
STATUS_FAULTS = ("400", "403", "429", "500", "502", "503", "504")
KINDS = (
    *STATUS_FAULTS,
    "drop_before_store",  # connection closed without an answer; nothing stored
    "drop_after_store",  # the request is stored, then the connection closes without an answer
    "timeout_before_store",  # no answer for ``seconds`` (longer than the client waits); nothing stored
    "timeout_after_store",  # stored, then no answer for ``seconds``
    "slow",  # the normal answer, ``seconds`` late
    "malformed",  # stored, then a 200 whose body is not JSON (cut off mid-way)
)
BEFORE_STORE = (*STATUS_FAULTS, "drop_before_store", "timeout_before_store", "slow")


@dataclass(frozen=True)
class Fault:
    kind: str
    retry_after: str | None = None  # 429/503: the Retry-After header as sent ("2" or an HTTP date)
    seconds: float | None = None  # timeout_* and slow: how long; None: the server's own setting
    body: str | None = None  # replaces the answer's body (an HTML error page, an odd object)
    content_type: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(KINDS)}")

    @classmethod
    def of(cls, value: Fault | str | Mapping[str, Any] | None) -> Fault | None:
        """A fault from its short form: None, a kind ("503"), or the fields as a mapping (JSON)."""
        if value is None or isinstance(value, Fault):
            return value
        if isinstance(value, str):
            return cls(value)
        return cls(**dict(value))

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class FaultPlan:
    """Shared between the test (or the /_faults endpoint) and the server's handler threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Fault | None]] = {}
        self._odds: dict[str, list[tuple[Fault, float]]] = {}
        self._random = random.Random()

    def script(self, call: str, faults: Iterable[Fault | str | Mapping[str, Any] | None]) -> None:
        """Queue faults for the next calls of ``call`` (one of CALLS, or "*" for any call)."""
        self._check(call)
        parsed = [Fault.of(f) for f in faults]
        with self._lock:
            self._scripts.setdefault(call, deque()).extend(parsed)

    def randomly(
        self,
        call: str,
        odds: Mapping[str, float] | Iterable[tuple[Fault | str, float]],
        seed: int | None = None,
    ) -> None:
        """Each call of ``call`` draws one fault with these probabilities (their sum at most 1)."""
        self._check(call)
        pairs = list(odds.items()) if isinstance(odds, Mapping) else list(odds)
        parsed = [(Fault.of(f), float(p)) for f, p in pairs]
        if sum(p for _, p in parsed) > 1.0 + 1e-9:
            raise ValueError("fault probabilities add up to more than 1")
        with self._lock:
            self._odds[call] = [(f, p) for f, p in parsed if f is not None]
            if seed is not None:
                self._random.seed(seed)

    def clear(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._odds.clear()

    def pending(self, call: str = ANY_CALL) -> int:
        with self._lock:
            return len(self._scripts.get(call, ()))

    def next(self, call: str) -> Fault | None:
        with self._lock:
            for key in (call, ANY_CALL):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
            for key in (call, ANY_CALL):
                odds = self._odds.get(key)
                if odds:
                    draw = self._random.random()
                    for fault, probability in odds:
                        if draw < probability:
                            return fault
                        draw -= probability
            return None

    def apply_json(self, command: Mapping[str, Any]) -> None:
        """The /_faults endpoint: {"clear": true}, {"call": C, "script": [...]},
        {"call": C, "probabilities": {kind: p}, "seed": n}; several keys may come together."""
        if command.get("clear"):
            self.clear()
        call = command.get("call", ANY_CALL)
        if "script" in command:
            self.script(call, command["script"])
        if "probabilities" in command:
            self.randomly(call, command["probabilities"], seed=command.get("seed"))

    @staticmethod
    def _check(call: str) -> None:
        if call not in (*CALLS, ANY_CALL):
            raise ValueError(f"unknown call {call!r}; known: {', '.join(CALLS)} or *")
