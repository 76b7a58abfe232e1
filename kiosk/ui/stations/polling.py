"""How a staff station follows changes made at other stations: a cheap change marker read off the UI
thread, the full picture loaded only when the marker moved, one request at a time so a slow database
never piles them up, and the station's online line kept true."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class ChangePolling:
    """Mixed into a station that has ``ctx``, ``runner``, ``version`` and ``_set_online``; it names
    what it follows with ``_marker`` (the change marker) and ``_load`` plus ``_apply`` (the picture)."""

    _polled = "station"  # for the staff log

    ctx: Any
    runner: Any
    version: int
    _polling: bool = False
    _marker: Callable[[Any], int]
    _load: Callable[[Any], Any]
    _apply: Callable[[Any], None]
    _set_online: Callable[[bool], None]

    def poll(self) -> None:
        """Look for changes made at any station; reload only when something changed."""
        if self.ctx is None or self._polling:
            return
        self._polling = True
        ctx = self.ctx

        def seen(version: int) -> None:
            self._set_online(True)
            if version != self.version:
                self.refresh()
            else:
                self._polling = False

        self.runner.submit(lambda: self._marker(ctx), seen, self._poll_failed)

    def refresh(self) -> None:
        if self.ctx is None:
            return
        self._polling = True
        ctx = self.ctx
        self.runner.submit(lambda: self._load(ctx), self._loaded, self._poll_failed)

    def _loaded(self, picture: Any) -> None:
        self._polling = False
        self._set_online(True)
        self._apply(picture)

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False
        log.warning("%s poll failed: %s", self._polled, type(exc).__name__)
        self._set_online(False)
