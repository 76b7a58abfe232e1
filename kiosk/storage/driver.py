"""Core statements run on the driver's own connection: the call-next path on a shared server.

SQLAlchemy's execution (an execution context, a result object, the cursor's description read and
converted column by column) costs a console more of its own time than the statement's round trip:
with eight consoles sharing a machine with the server, that time was most of a call
(tests/benchmarks/queue.py). A DriverStatement is compiled once per dialect by SQLAlchemy, then run
inside the session's transaction on the same DBAPI connection, with the column types' own bind and
result conversions, so that it reads and writes exactly what the Core statement would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]
    binds: dict[str, Callable[[Any], Any]]
    keys: tuple[str, ...]
    results: tuple[Callable[[Any], Any] | None, ...]


class DriverStatement:
    """A Core statement without expanding parameters, run on a session's DBAPI connection."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def first(self, session: Session, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict of its columns' keys, or None."""
        connection = session.connection()
        compiled = self._for(connection.dialect)
        row = self._execute(connection, compiled, params)
        if row is None:
            return None
        return {
            key: value if convert is None or value is None else convert(value)
            for key, value, convert in zip(compiled.keys, row, compiled.results, strict=True)
        }

    def _execute(self, connection: Connection, compiled: _Compiled, params: Mapping[str, Any]):
        values = {**compiled.defaults, **params}
        for name, convert in compiled.binds.items():
            value = values[name]
            values[name] = None if value is None else convert(value)
        raw = connection.connection
        cursor = raw.cursor()
        try:
            # Statement listeners (tracing, the tests' statement counts) still hear of it.
            if connection.dispatch.before_cursor_execute:
                connection.dispatch.before_cursor_execute(
                    connection, cursor, compiled.sql, values, None, False
                )
            cursor.execute(compiled.sql, values)
            return cursor.fetchone() if compiled.keys else None
        except connection.dialect.loaded_dbapi.Error as error:
            if connection.dialect.is_disconnect(error, raw.dbapi_connection, cursor):
                # As SQLAlchemy does for its own statements: the pool must not hand this one out again.
                connection.invalidate(error)
            raise
        finally:
            cursor.close()

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = {}
    for bind, name in compiled.bind_names.items():
        if bind.expanding:
            raise ValueError(f"{name}: expanding parameters are rendered per call; run it through SQLAlchemy")
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binds[name] = convert
    columns = list(statement.exported_columns)
    return _Compiled(
        sql=compiled.string,
        # The statement's own values (the 1 of "version + 1"); the caller's fill in the rest.
        defaults={
            name: value
            for name, value in compiled.construct_params(_check=False).items()
            if value is not None
        },
        binds=binds,
        keys=tuple(column.key or str(index) for index, column in enumerate(columns)),
        results=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ),
    )
