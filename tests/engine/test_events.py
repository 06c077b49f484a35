"""Engine events: the bus's delivery rules, and what a Session publishes as its background work goes on."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from engine.events import (
    Event,
    EventBus,
    FileChangedOnDisk,
    IndexProgress,
    IndexReady,
    LanguageServerMissing,
    ModelFailed,
    ModelLoading,
    describe,
    is_problem,
)
from engine.session import Session


async def test_events_from_a_worker_thread_reach_the_subscribers_loop() -> None:
    bus = EventBus()
    loop_thread = threading.get_ident()
    seen: list[tuple[Event, int]] = []
    arrived = asyncio.Event()

    def on_event(event: Event) -> None:
        seen.append((event, threading.get_ident()))
        if len(seen) == 2:
            arrived.set()

    bus.subscribe(on_event)
    worker = threading.Thread(target=lambda: [bus.publish(IndexProgress(n, 2)) for n in (1, 2)])
    worker.start()
    worker.join()
    await asyncio.wait_for(arrived.wait(), 5)
    assert [event for event, _ in seen] == [IndexProgress(1, 2), IndexProgress(2, 2)]
    assert {thread for _, thread in seen} == {loop_thread}


def test_a_subscriber_outside_any_loop_is_called_at_once_and_can_leave() -> None:
    bus = EventBus()
    seen: list[Event] = []
    unsubscribe = bus.subscribe(seen.append)
    bus.publish(ModelLoading("chat"))
    unsubscribe()
    bus.publish(ModelLoading("edit"))
    assert seen == [ModelLoading("chat")]


def test_a_failing_subscriber_does_not_silence_the_others() -> None:
    bus = EventBus()
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    bus.subscribe(broken)
    bus.subscribe(seen.append)
    bus.publish(ModelFailed("completion", "no such model"))
    assert seen == [ModelFailed("completion", "no such model")]


def test_problems_and_their_lines() -> None:
    assert is_problem(ModelFailed("chat", "server down")) and not is_problem(IndexReady(3, 7))
    assert describe(ModelFailed("chat", "server down")) == "server down"
    assert describe(IndexProgress(3, 10)) == "indexing 3/10 files"


async def test_a_model_that_cannot_load_is_an_event_not_an_error(tmp_path: Path) -> None:
    flags = {"models.completion.provider": "openai", "models.completion.model": "m", "lsp.enabled": "false",
             "models.completion.base_url": "http://127.0.0.1:9/v1"}  # nothing listens on the discard port
    session = Session.open(tmp_path, env={}, flags=flags)
    seen: list[Event] = []
    session.subscribe(seen.append)
    try:
        await session.warm_up("completion")
    finally:
        await session.aclose()
    assert seen[0] == ModelLoading("completion", model="m")  # which model, for a status bar
    assert isinstance(seen[-1], ModelFailed) and seen[-1].role == "completion" and "\n" not in seen[-1].message


async def test_background_work_publishes_index_progress_and_changes_on_disk(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def one():\n    pass\n")
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"})
    seen: list[Event] = []
    changed: list[FileChangedOnDisk] = []
    session.subscribe(seen.append)
    session.on_disk_change(changed.append)
    try:
        session.start_background()
        await _until(lambda: any(isinstance(e, IndexReady) for e in seen))
        assert any(isinstance(e, IndexProgress) for e in seen)
        assert IndexReady(files=1, symbols=1) in seen
        (tmp_path / "n.py").write_text("def two():\n    pass\n")
        await _until(lambda: any(c.path == "n.py" for c in changed))
        assert session.workspace_files() == ["m.py", "n.py"]
    finally:
        await session.aclose()


async def test_a_missing_language_server_is_published_once(tmp_path: Path) -> None:
    text = "package main\n\nfunc main() {}\n"
    (tmp_path / "main.go").write_text(text)
    session = Session.open(tmp_path, env={}, flags={"lsp.servers.go.command": "caret-test-no-such-server"})
    seen: list[Event] = []
    session.subscribe(seen.append)
    try:
        provide = session.definitions_provider()
        assert provide is not None
        for _ in range(3):
            await provide("main.go", text, 2, 1.0)
    finally:
        await session.aclose()
    missing = [e for e in seen if isinstance(e, LanguageServerMissing)]
    assert len(missing) == 1 and missing[0].language == "go" and "caret-test-no-such-server" in missing[0].message


async def _until(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)
