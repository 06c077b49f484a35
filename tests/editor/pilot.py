"""Helpers for Pilot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_for(predicate: Callable[[], bool], pilot: Pilot, timeout: float = 60.0) -> bool:
    """Let the app run until `predicate()` holds or `timeout` seconds pass (a real model answers at its pace)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if predicate():
            return True
        await pilot.pause(0.05)
    return predicate()
