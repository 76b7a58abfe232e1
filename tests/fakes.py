"""In-memory adapters for fast service tests."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

from kiosk.domain.queue import NO_RULES, CallState, Counter, QueueRules, in_queue_order
from kiosk.domain.services import QueueService
from kiosk.domain.tickets import AT_COUNTER, Ticket, TicketStatus


class FakeStore:
    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.services: dict[str, QueueService] = {}
        self.sequences: dict[tuple[date, str], int] = {}
        self.version = 0
        self.next_id = 1
        self.commits = 0
        self.audit: list = []
        self.counters: dict[str, Counter] = {}
        self.rules: dict[str, bool] = {}


class FakeTickets:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add(self, ticket: Ticket) -> Ticket:
        ticket.id = self.store.next_id
        self.store.next_id += 1
        self.store.tickets[ticket.id] = copy.deepcopy(ticket)
        return ticket

    def get(self, ticket_id: int) -> Ticket | None:
        found = self.store.tickets.get(ticket_id)
        return copy.deepcopy(found) if found else None

    def save(self, ticket: Ticket) -> None:
        self.store.tickets[ticket.id] = copy.deepcopy(ticket)

    def allocate_sequence(self, service_date: date, service_code: str) -> int:
        key = (service_date, service_code)
        self.store.sequences[key] = self.store.sequences.get(key, 0) + 1
        return self.store.sequences[key]

    def waiting(self, rules: QueueRules = NO_RULES) -> list[Ticket]:
        return in_queue_order(
            (copy.deepcopy(t) for t in self.store.tickets.values() if t.status == TicketStatus.WAITING), rules
        )

    def claim_next_waiting(
        self, rules: QueueRules = NO_RULES, services: tuple[str, ...] = ()
    ) -> Ticket | None:
        waiting = [t for t in self.waiting(rules) if not services or t.service_code in services]
        return waiting[0] if waiting else None

    def claim_and_call(
        self, counter: str, now: datetime, rules: QueueRules = NO_RULES, services: tuple[str, ...] = ()
    ) -> Ticket | None:
        ticket = self.claim_next_waiting(rules, services)
        if ticket is not None:
            ticket.call(counter, now)
            self.save(ticket)
        return ticket

    def finish(self, ticket_id: int, now: datetime) -> Ticket | None:
        ticket = self.get(ticket_id)
        if ticket is not None:
            ticket.finish(now)
            self.save(ticket)
        return ticket

    def at_counters(self) -> list[Ticket]:
        found = [copy.deepcopy(t) for t in self.store.tickets.values() if t.status in AT_COUNTER]
        return sorted(found, key=lambda t: t.called_at, reverse=True)

    def at_counter(self, counter: str) -> list[Ticket]:
        return [t for t in self.at_counters() if t.counter == counter]

    def recent_service_durations(self, since: datetime) -> list[tuple[str, timedelta]]:
        return [
            (t.service_code, t.finished_at - t.serving_at)
            for t in self.store.tickets.values()
            if t.status == TicketStatus.DONE
            and t.finished_at >= since
            and t.serving_at
            and t.estimated_wait_seconds is not None
        ]

    def counters_active_since(self, since: datetime) -> int:
        return len(
            {
                t.counter
                for t in self.store.tickets.values()
                if t.counter and t.called_at and t.called_at >= since
            }
        )

    def finished_since(self, since: datetime) -> list[Ticket]:
        return [
            copy.deepcopy(t)
            for t in self.store.tickets.values()
            if t.status == TicketStatus.DONE and t.finished_at >= since
        ]

    def recent_calls(self, since: datetime, limit: int) -> list[Ticket]:
        called = [t for t in self.store.tickets.values() if t.called_at and t.called_at >= since]
        called.sort(key=lambda t: (t.called_at, t.id), reverse=True)
        return [copy.deepcopy(t) for t in called[:limit]]


class FakeServices:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def all(self) -> list[QueueService]:
        return list(self.store.services.values())

    def get(self, code: str) -> QueueService | None:
        return self.store.services.get(code)

    def add(self, service: QueueService) -> None:
        self.store.services[service.code] = service


class FakeChanges:
    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.pending = 0

    def bump(self) -> None:
        self.pending += 1

    def current(self) -> int:
        return self.store.version


class FakeAuditLog:
    """Entries land in the store only when the unit of work commits, as in the database."""

    def __init__(self) -> None:
        self.pending: list = []

    def add(self, entry) -> None:
        self.pending.append(entry)

    def between(self, start, end, limit=1000):
        return []

    def delete_before(self, cutoff) -> int:
        return 0


class FakeCounters:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def all(self) -> list[Counter]:
        return sorted(
            (copy.deepcopy(c) for c in self.store.counters.values()), key=lambda c: (c.sort_order, c.name)
        )

    def get(self, name: str) -> Counter | None:
        found = self.store.counters.get(name)
        return copy.deepcopy(found) if found else None

    def put(self, counter: Counter) -> None:
        self.store.counters[counter.name] = copy.deepcopy(counter)

    def rules(self) -> QueueRules:
        return QueueRules.of(self.store.rules)

    def set_rule(self, name: str, enabled: bool, now: datetime) -> None:
        self.store.rules[name] = enabled

    def call_state(self, name: str) -> CallState:
        busy = FakeTickets(self.store).at_counter(name)
        return CallState(busy[0].number if busy else None, self.get(name), self.rules())

    def active_since(self, since: datetime) -> set[str]:
        return {
            t.counter
            for t in self.store.tickets.values()
            if t.counter and t.called_at and t.called_at >= since
        }

    def estimate_outcomes(self, start: datetime, end: datetime) -> list[tuple[timedelta, timedelta]]:
        return [
            (timedelta(seconds=t.estimated_wait_seconds), t.called_at - t.queued_at)
            for t in self.store.tickets.values()
            if start <= t.queued_at < end
            and t.estimated_wait_seconds is not None
            and t.called_at is not None
            and t.transferred_from_id is None
        ]


class FakeUnitOfWork:
    """Commits copy the work into the store; leaving without commit throws it away."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def __enter__(self):
        self._snapshot = copy.deepcopy(
            (self.store.tickets, self.store.services, self.store.sequences, self.store.next_id)
        )
        self.tickets = FakeTickets(self.store)
        self.services = FakeServices(self.store)
        self.changes = FakeChanges(self.store)
        self.audit = FakeAuditLog()
        self.counters = FakeCounters(self.store)
        self._counters_before = copy.deepcopy((self.store.counters, self.store.rules))
        self._committed = False
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            (self.store.tickets, self.store.services, self.store.sequences, self.store.next_id) = (
                self._snapshot
            )
            self.store.counters, self.store.rules = self._counters_before

    def commit(self) -> None:
        self._committed = True
        self.store.version += self.changes.pending
        self.changes.pending = 0
        self.store.audit.extend(self.audit.pending)
        self.audit.pending = []
        self.store.commits += 1


class FakeUnitOfWorkFactory:
    def __init__(self) -> None:
        self.store = FakeStore()

    def __call__(self, *, write: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)


class FakeSpeaker:
    """Records what would be said."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.chinese_voices: list[str] = []  # the Chinese voice in force at each utterance
        self.stops = 0
        self.volume = 50
        self.rate_wpm = 160
        self.chinese = "yue"

    def say(self, text: str, language: str) -> int:
        self.said.append((text, language))
        self.chinese_voices.append(self.chinese)
        return len(self.said)

    def stop(self) -> None:
        self.stops += 1

    @property
    def last(self) -> str:
        return self.said[-1][0] if self.said else ""


class FakeOpen311:
    """An in-memory central service for service-level tests: stores what is created, and fails as scripted.

    ``faults`` is a list consumed one per create call: None (work), an exception instance to raise before
    storing, or ("after", exception) to store the request and then raise (an answer lost on the way back).
    """

    def __init__(self, services=None, definitions=None) -> None:
        from kiosk.services.ports import RemoteService, ServiceDefinition

        self.services_list = services or [RemoteService("graffiti", "Graffiti", metadata=False)]
        self.definitions = definitions or {}
        self.stored: list = []
        self.faults: list = []
        self.find_faults: list = []
        self.tokens: dict[str, str | None] = {}
        self.batch_codes: set[str] = set()
        self.calls: list[str] = []
        self._definition = ServiceDefinition

    def services(self):
        self.calls.append("services")
        return list(self.services_list)

    def definition(self, service_code):
        self.calls.append(f"definition {service_code}")
        return self.definitions.get(service_code, self._definition(service_code))

    def create(self, request):
        from kiosk.services.ports import Created

        self.calls.append(f"create {request.service_code}")
        fault = self.faults.pop(0) if self.faults else None
        if isinstance(fault, Exception):
            raise fault
        remote_id = str(1000 + len(self.stored))
        self.stored.append((remote_id, request))
        if isinstance(fault, tuple):
            raise fault[1]
        if request.service_code in self.batch_codes:
            token = f"tok-{remote_id}"
            self.tokens[token] = None
            return Created(token=token)
        return Created(service_request_id=remote_id, service_notice="Thank you")

    def resolve_token(self, token):
        self.calls.append(f"token {token}")
        return self.tokens.get(token)

    def find(self, *, ids=None, service_code=None, start=None, end=None):
        from kiosk.services.ports import RemoteRequest

        self.calls.append(f"find {service_code}")
        fault = self.find_faults.pop(0) if self.find_faults else None
        if fault is not None:
            raise fault
        return [
            RemoteRequest(remote_id, status="open", service_code=r.service_code, description=r.description)
            for remote_id, r in self.stored
            if service_code in (None, r.service_code) and (ids is None or remote_id in ids)
        ]

    def request(self, service_request_id):
        return next((r for r in self.find() if r.service_request_id == service_request_id), None)
