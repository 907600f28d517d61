"""The practice log: one SQLite row per session, and the questions people ask of it.

The store (the file, its schema and migrations) is :mod:`~calfkit.history.store`; the
questions and how their answers are worded are :mod:`~calfkit.history.queries`. The sink that
records a session as it plays is :class:`calfkit.sinks.history.HistorySink`. ``sqlite3`` is
imported only when the log is used.
"""

from __future__ import annotations

from calfkit.errors import HistoryBusy, HistoryError
from calfkit.history.queries import (
    History,
    Session,
    WeekTotals,
    last_done,
)
from calfkit.history.store import (
    APPLICATION_ID,
    ENV_VAR,
    FILE_NAME,
    Ending,
    history_path,
    schema_version,
    utc_now,
)

__all__ = [
    "APPLICATION_ID",
    "ENV_VAR",
    "FILE_NAME",
    "Ending",
    "History",
    "HistoryBusy",
    "HistoryError",
    "Session",
    "WeekTotals",
    "history_path",
    "last_done",
    "schema_version",
    "utc_now",
]
