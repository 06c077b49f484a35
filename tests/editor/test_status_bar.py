"""The status bar's reducer: engine events and the editor's own turn into the fields' state, without a terminal."""

from __future__ import annotations

from functools import reduce as fold

from editor.status import (
    BufferShown,
    CursorMoved,
    EditorEvent,
    GhostShown,
    ProblemsCounted,
    ServerAsked,
    StatusState,
    reduce,
)
from engine.events import (
    DocsCrawled,
    Event,
    IndexProgress,
    IndexReady,
    LanguageServerCrashed,
    LanguageServerMissing,
    LanguageServerStarted,
    ModelFailed,
    ModelLoaded,
    ModelLoading,
)


def after(*events: Event | EditorEvent, state: StatusState | None = None) -> StatusState:
    return fold(reduce, events, state or StatusState())


def test_a_buffer_shown_then_the_cursor_moving() -> None:
    state = after(BufferShown("src/a.py", "python", (0, 0), errors=1, warnings=2), CursorMoved(4, 7))
    assert (state.file, state.language, state.cursor, state.errors, state.warnings) == (
        "src/a.py", "python", (4, 7), 1, 2)
    assert reduce(state, CursorMoved(4, 7)) is state  # nothing changed: nothing to redraw


def test_problems_counted_replace_the_counts() -> None:
    state = after(BufferShown("a.py", "python", (0, 0), errors=3), ProblemsCounted(0, 1))
    assert (state.errors, state.warnings) == (0, 1)


def test_the_model_loads_then_is_ready_or_fails() -> None:
    loading = after(ModelLoading("completion", model="gemma-3-270m"))
    assert (loading.model, loading.model_state) == ("gemma-3-270m", "loading")
    assert after(ModelLoaded("completion", model="gemma-3-270m"), state=loading).model_state == "ready"
    failed = after(ModelFailed("completion", "cannot reach 127.0.0.1:9"), state=loading)
    assert (failed.model, failed.model_state) == ("gemma-3-270m", "failed")  # the name heard before stays


def test_index_progress_shows_until_the_index_is_ready() -> None:
    assert after(IndexProgress(400, 1000)).index == "index 40%"
    assert after(IndexProgress(400, 1000), IndexReady(1000, 9000)).index == ""
    assert after(IndexProgress(4, 10)).index == ""  # ends in a blink: not worth a field


def test_the_open_files_language_server_starts_and_crashes() -> None:
    state = after(BufferShown("a.py", "python", (0, 0)))
    assert state.server_state == ""  # not asked yet
    state = after(ServerAsked("a.py", "python"), state=state)
    assert state.server_state == "starting"
    state = after(LanguageServerStarted("python", "jedi-language-server running"), state=state)
    assert state.server_state == "ready"
    state = after(LanguageServerCrashed("python", "jedi-language-server exited"), state=state)
    assert state.server_state == "crashed"
    assert after(ServerAsked("b.py", "python"), state=state).servers["python"] == "crashed"  # known: kept


def test_each_file_shows_its_own_languages_server() -> None:
    state = after(
        ServerAsked("a.py", "python"), LanguageServerStarted("python"), ServerAsked("main.go", "go"),
        LanguageServerMissing("go", "no language server for Go: install gopls"), BufferShown("main.go", "go", (0, 0)),
    )
    assert state.server_state == "missing"
    assert after(BufferShown("a.py", "python", (0, 0)), state=state).server_state == "ready"
    assert after(BufferShown("notes.md", None, (0, 0)), state=state).server_state == ""


def test_a_ghost_latency_and_routine_events() -> None:
    assert after(GhostShown(41.6)).ghost_ms == 41.6
    state = StatusState(file="a.py")
    routine: Event = DocsCrawled("python", 12)
    assert reduce(state, routine) is state
