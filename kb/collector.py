"""The cyclic garbage collector, paused while large long-lived tables are made.

Making a KB's models (1.7 million objects at 50,000 entries), an index's doc table or related
links sets the collector off again and again, and each full pass walks every object made so far,
holding the GIL: load_kb took 7.1 s with it and 2.7 s without, and a window loading the KB on a
thread could not paint for a second at a time. None of these objects is garbage, and what the
work discards is freed by reference counting, which pausing the collector does not stop.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks and threads: it resumes once the
    block that paused it ends, if it was running before)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
