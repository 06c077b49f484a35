"""Background work yields the CPU to the thread a user waits on.

The model's decoding, the language servers and the index workers run at a lower scheduling priority (Linux nice);
the editor's UI thread keeps the process's own. Among themselves they compete as before. On a 2-core machine a
keystroke's frame waited on decoding at equal priority (p95 ~40 ms instead of ~15 ms); alone on the CPU a lower
priority costs nothing.
"""

from __future__ import annotations

import contextlib
import os
import threading

BACKGROUND_NICE = 10


def lower_priority(pid: int | None = None) -> None:
    """Lower the priority of process `pid` (its main thread, and the threads it starts from now on), or of the
    calling thread, by BACKGROUND_NICE. Where the OS has no such priorities, or refuses, nothing changes."""
    with contextlib.suppress(AttributeError, OSError):
        target = pid if pid is not None else threading.get_native_id()  # Linux: a thread id works as a pid here
        os.setpriority(os.PRIO_PROCESS, target, os.getpriority(os.PRIO_PROCESS, target) + BACKGROUND_NICE)
