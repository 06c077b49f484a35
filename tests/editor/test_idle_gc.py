"""editor/idle_gc.py: full collections wait for a pause in typing; what survives is frozen; Python's own
thresholds come back when the app ends."""

from __future__ import annotations

import gc

from textual.app import App

from editor.idle_gc import DUE, NEVER, OVERDUE, IdleCollector, collection_due
from tests.editor.pilot import wait_for


def test_a_full_collection_is_due_as_often_as_python_would_run_one() -> None:
    assert collection_due(now=10.0, last_key=0.0, pending=DUE - 1) is None


def test_a_pause_in_typing_collects_everything() -> None:
    assert collection_due(now=10.0, last_key=8.5, pending=DUE) == "idle"


def test_while_typing_only_an_overdue_collection_runs() -> None:
    assert collection_due(now=10.0, last_key=9.9, pending=OVERDUE - 1) is None
    assert collection_due(now=10.0, last_key=9.9, pending=OVERDUE) == "overdue"


async def test_the_app_collects_when_idle_freezes_the_survivors_and_gives_back_the_thresholds() -> None:
    before = gc.get_threshold()
    collector = IdleCollector()
    app: App[None] = App()
    try:
        async with app.run_test() as pilot:
            collector.start(app, every_s=0.05)
            assert gc.get_threshold()[2] == NEVER
            collector.last_key -= 10  # the last key was long ago
            for _ in range(DUE):
                gc.collect(1)  # young collections: things reached the oldest generation
            assert await wait_for(lambda: collector.collected >= 1, pilot, timeout=10)
            assert gc.get_freeze_count() > 0
            collector.key()  # typing again: the same pending count does not collect
            done = collector.collected
            for _ in range(DUE):
                gc.collect(1)
            collector.tick()
            assert collector.collected == done
    finally:
        collector.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
