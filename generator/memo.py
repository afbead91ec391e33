"""Results remembered for the very objects they were made from (an incremental build keeps unchanged records
and analysis results as the same objects, so identity says they are unchanged)."""

from __future__ import annotations

from typing import Any, Callable


def remember(table: dict, objects: tuple, make: Callable[[], Any], extra: tuple = (), limit: int = 10_000) -> Any:
    """make(), remembered in table for these objects (by identity) and an extra key of plain values.

    The objects are kept alive with the result, so that their ids are not reused; the table is emptied when
    it reaches limit entries.
    """
    key = tuple(map(id, objects)) + extra
    hit = table.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], objects)):
        return hit[1]
    if len(table) >= limit:
        table.clear()
    value = make()
    table[key] = (objects, value)
    return value
