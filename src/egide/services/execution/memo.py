"""Results computed once per object (a loaded register, a dataset) rather than once per request.

A register or dataset file loaded again is a new object: its results are computed again, and the
oldest entries leave the cache. Entries hold their objects, so an object's ``id`` is not reused
while its results are kept; a hit also checks the objects are the same ones. The results are
shared: callers never change them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable


class IdentityCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = OrderedDict()

    def get(self, objects: tuple[Any, ...], args: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """``build()``, once per ``objects`` (by identity) and hashable ``args``."""
        key = (*(id(o) for o in objects), *args)
        entry = self._entries.get(key)
        if entry is None or any(a is not b for a, b in zip(entry[0], objects)):
            entry = (objects, build())
            self._entries[key] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return entry[1]
