"""Errors a person can be shown: an untranslated message with named placeholders."""

from __future__ import annotations

from kiosk.domain.text import N_


class DomainError(Exception):
    """A rule refused an action. ``message`` is a gettext msgid with ``{name}`` placeholders."""

    message = N_("This action is not possible right now.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message.format(**params) if params else self.message)


class NotFound(DomainError):
    message = N_("That ticket could not be found.")


class InvalidTransition(DomainError):
    message = N_("Ticket {number} cannot be changed that way now.")


class QueueEmpty(DomainError):
    message = N_("Nobody is waiting.")


class ServiceUnavailable(DomainError):
    message = N_("That service is not available at the moment.")


class InvalidInput(DomainError):
    message = N_("Please check what you entered.")
