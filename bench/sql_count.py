"""Counting the SQL a piece of code runs: the page benchmark and the page tests share it."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


class CountedSQL:
    """Every statement any SQLAlchemy engine in this process runs inside the ``with`` (AppTest
    runs the app in-process, on the store's engine): ``.statements``, ``.version_queries``."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @property
    def version_queries(self) -> int:
        return sum(
            s.lstrip().upper().startswith("SELECT") and "dataset_versions" in s
            for s in self.statements
        )

    def __enter__(self) -> CountedSQL:
        event.listen(Engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(Engine, "before_cursor_execute", self._seen)
