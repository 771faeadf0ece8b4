"""Pausing Python's cycle collector while a workspace's clients are scored in bulk.

Scoring thousands of clients makes tens of thousands of small objects (weeks, parts, reasons) that
live until the answer is drawn, and none of them form cycles. The collector, started by those
allocations, walks them again and again: about a quarter of a digest's time with 2,000 clients.
`paused()` keeps it from starting for that while; objects are still freed as usual when nothing
refers to them, and the collector runs again when the last pause (of any thread) ends. A collector
that was off before stays off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False  # whether the first pause found the collector on


@contextmanager
def paused() -> Iterator[None]:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
