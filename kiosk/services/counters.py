"""Counters and priority rules as staff set them: breaks, the services a counter serves, the rules."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.domain.errors import InvalidInput
from kiosk.domain.queue import RULE_NAMES, Counter, QueueRules
from kiosk.domain.text import N_
from kiosk.services import audit
from kiosk.services.context import ServiceContext
from kiosk.services.ports import UnitOfWork
from kiosk.services.queue import CounterBusy


def ensure_counters(ctx: ServiceContext, names: Iterable[str]) -> int:
    """The first time, the counters of the ``counters`` setting; after that the table is the truth
    (staff may have changed it), so nothing is added. Returns how many were added."""
    with ctx.uow(write=True) as uow:
        if uow.counters.all():
            return 0
        added = 0
        for order, name in enumerate(dict.fromkeys(names)):
            uow.counters.put(Counter(name=name, sort_order=order))
            added += 1
        uow.commit()
    return added


def list_counters(ctx: ServiceContext) -> list[Counter]:
    with ctx.uow() as uow:
        return uow.counters.all()


def rules(ctx: ServiceContext) -> QueueRules:
    with ctx.uow() as uow:
        return uow.counters.rules()


def _counter(uow: UnitOfWork, name: str) -> Counter:
    """The counter's row, made for a counter not in the table yet (it then serves everything)."""
    counter = uow.counters.get(name)
    if counter is not None:
        return counter
    order = max((c.sort_order for c in uow.counters.all()), default=-1) + 1
    return Counter(name=name, sort_order=order)


def start_break(ctx: ServiceContext, name: str) -> Counter:
    """The counter stops calling and no longer counts as open in the wait estimates."""
    now = ctx.now()
    with ctx.uow(write=True) as uow:
        busy = uow.tickets.at_counter(name)
        if busy:
            raise CounterBusy(counter=name, number=busy[0].number)
        counter = _counter(uow, name)
        if counter.break_since is None:
            counter.break_since = now
            uow.counters.put(counter)
            audit.record(uow, ctx, "counter.break_start", name)
            uow.changes.bump()
            uow.commit()
    return counter


def end_break(ctx: ServiceContext, name: str) -> Counter:
    with ctx.uow(write=True) as uow:
        counter = _counter(uow, name)
        if counter.break_since is not None:
            counter.break_since = None
            uow.counters.put(counter)
            audit.record(uow, ctx, "counter.break_end", name)
            uow.changes.bump()
            uow.commit()
    return counter


def set_services(ctx: ServiceContext, name: str, services: Iterable[str]) -> Counter:
    """The services ``name`` serves from now on; none chosen: every service."""
    with ctx.uow(write=True) as uow:
        known = {s.code for s in uow.services.all()}
        chosen = tuple(dict.fromkeys(services))
        unknown = [code for code in chosen if code not in known]
        if unknown:
            raise InvalidInput(N_("Unknown service: {code}"), code=unknown[0])
        counter = _counter(uow, name)
        counter.services = chosen
        uow.counters.put(counter)
        audit.record(uow, ctx, "counter.services", name, ",".join(chosen) or "*")
        uow.changes.bump()
        uow.commit()
    return counter


def set_rule(ctx: ServiceContext, rule: str, enabled: bool) -> QueueRules:
    """Switch a priority rule on or off; the next call follows it at every counter."""
    if rule not in RULE_NAMES:
        raise InvalidInput(N_("Unknown rule: {rule}"), rule=rule)
    with ctx.uow(write=True) as uow:
        uow.counters.set_rule(rule, enabled, ctx.now())
        audit.record(uow, ctx, "rules.set", rule, "on" if enabled else "off")
        uow.changes.bump()
        result = uow.counters.rules()
        uow.commit()
    return result
