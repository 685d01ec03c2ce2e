"""torch's CPU thread count: set while trainings run, put back when the last one ends.

``torch.set_num_threads`` reaches further than the thread that calls it: torch keeps the value and
applies it to every thread on that thread's first parallel operation. Streamlit runs each rerun of
each session in a new thread, so once a studio training had set one thread, every later session
computed on one thread for the rest of the server's life (and its products differed in the last
bits from the same products in a thread started earlier). ``training_threads(n)`` sets ``n`` for as
long as any training runs: the trainings' threads, started inside it, take ``n`` and keep it, and
the thread count is put back as it was found when the last training ends.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

_lock = threading.Lock()
_running = 0
_found = 0


@contextmanager
def training_threads(n: int) -> Iterator[None]:
    """torch uses ``n`` threads in every thread started inside this block."""
    global _running, _found
    with _lock:
        if _running == 0:
            _found = torch.get_num_threads()  # what this thread, new, was given: the process's setting
        _running += 1
        torch.set_num_threads(n)
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                torch.set_num_threads(_found)
