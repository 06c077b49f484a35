"""The status bar. News (`#status`: an engine event, a problem, what a command did) on the left; on the right the
fields a user glances at: file, language, cursor, diagnostics, language server, model, index progress, ghost-text
latency. Engine events arrive as Textual messages (EngineEvent).

The fields are a plain `StatusState` that a pure reducer, `reduce(state, event)`, keeps up to date from engine
events and the editor's own (a buffer shown, the cursor moved, problems counted, a suggestion shown): nothing polls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TypeAlias

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from engine.events import (
    DocsCrawled,
    Event,
    FileChangedOnDisk,
    IndexProgress,
    IndexReady,
    LanguageServerCrashed,
    LanguageServerFailed,
    LanguageServerMissing,
    LanguageServerStarted,
    ModelFailed,
    ModelLoaded,
    ModelLoading,
    describe,
)

# Index progress is news only when a build is slow enough to notice (a small project indexes in a blink).
SLOW_INDEX_FILES = 1000


class EngineEvent(Message):
    """An engine event, delivered on the app's message queue (so, always on its event loop)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


def status_text(event: Event) -> str:
    """What the status line shows for `event`; "" for events it leaves alone (the routine ones)."""
    if isinstance(event, IndexProgress):
        return describe(event) if event.total >= SLOW_INDEX_FILES else ""
    if isinstance(event, IndexReady):
        return describe(event) if event.files >= SLOW_INDEX_FILES else ""
    if isinstance(event, FileChangedOnDisk | DocsCrawled | LanguageServerStarted):
        return ""
    return describe(event)


INDEX_FIELD_FILES = 200  # a smaller build ends in a blink: no field flickers for it
MODEL_NAME_CHARS = 24  # a longer model name (a GGUF path's, an org/name id) is cut


@dataclass(frozen=True)
class BufferShown:
    """The active buffer changed (opened, switched to, closed): its file, language, cursor and problem counts."""

    file: str
    language: str | None
    cursor: tuple[int, int]
    errors: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class CursorMoved:
    """The cursor of the active buffer is at (line, column), 0-based."""

    line: int
    column: int


@dataclass(frozen=True)
class ProblemsCounted:
    """The active buffer's diagnostics, as of the last fetch."""

    errors: int
    warnings: int


@dataclass(frozen=True)
class ServerAsked:
    """`file` is served by the language server of `language` (it starts if it was not running)."""

    file: str
    language: str


@dataclass(frozen=True)
class GhostShown:
    """A suggestion was shown `elapsed_ms` after it was asked for."""

    elapsed_ms: float


EditorEvent: TypeAlias = BufferShown | CursorMoved | ProblemsCounted | ServerAsked | GhostShown
_MODEL_STATES = {ModelLoading: "loading", ModelLoaded: "ready", ModelFailed: "failed"}
_SERVER_STATES = {
    LanguageServerStarted: "ready", LanguageServerMissing: "missing", LanguageServerFailed: "failed",
    LanguageServerCrashed: "crashed",
}


@dataclass(frozen=True)
class StatusState:
    """What the status bar's fields show; `servers` and `file_servers` remember every language server heard of."""

    file: str = ""
    language: str | None = None
    cursor: tuple[int, int] = (0, 0)
    errors: int = 0
    warnings: int = 0
    model: str = ""  # the name of the last model heard of (the TUI warms up the completion model)
    model_state: str = ""  # loading / ready / failed; "" before any model event
    index: str = ""  # "index 40%" while a build runs
    servers: Mapping[str, str] = field(default_factory=dict)  # server language -> starting/ready/missing/...
    file_servers: Mapping[str, str] = field(default_factory=dict)  # file -> the server language serving it
    ghost_ms: float | None = None

    @property
    def server_state(self) -> str:
        """The state of the open file's language server; "" when the file has none (or it was not asked yet)."""
        language = self.file_servers.get(self.file)
        return self.servers.get(language, "") if language else ""


def reduce(state: StatusState, event: Event | EditorEvent) -> StatusState:
    """The state after `event`; the same object when the event changes nothing shown."""
    match event:
        case BufferShown(file=file, language=language, cursor=cursor, errors=errors, warnings=warnings):
            return replace(state, file=file, language=language, cursor=cursor, errors=errors, warnings=warnings)
        case CursorMoved(line=line, column=column):
            return state if state.cursor == (line, column) else replace(state, cursor=(line, column))
        case ProblemsCounted(errors=errors, warnings=warnings):
            return replace(state, errors=errors, warnings=warnings)
        case ServerAsked(file=file, language=language):
            servers = state.servers if language in state.servers else {**state.servers, language: "starting"}
            return replace(state, servers=servers, file_servers={**state.file_servers, file: language})
        case GhostShown(elapsed_ms=elapsed_ms):
            return replace(state, ghost_ms=elapsed_ms)
        case ModelLoading() | ModelLoaded() | ModelFailed():
            return replace(state, model=event.model or state.model, model_state=_MODEL_STATES[type(event)])
        case IndexProgress(done=done, total=total):
            building = total >= INDEX_FIELD_FILES and done < total
            return replace(state, index=f"index {done * 100 // total}%" if building else "")
        case IndexReady():
            return replace(state, index="")
        case LanguageServerStarted() | LanguageServerMissing() | LanguageServerFailed() | LanguageServerCrashed():
            return replace(state, servers={**state.servers, event.language: _SERVER_STATES[type(event)]})
    return state


def status_fields(state: StatusState) -> list[tuple[str, str]]:
    """The fields as (text, style) in the order they are shown (most needed first); style is "" or a theme
    variable."""
    fields = [(state.file or "untitled", "")]
    if state.language:
        fields.append((state.language, ""))
    fields.append((f"{state.cursor[0] + 1}:{state.cursor[1] + 1}", ""))
    if state.errors:
        fields.append((f"● {state.errors}", "$error"))
    if state.warnings:
        fields.append((f"▲ {state.warnings}", "$warning"))
    if server := state.server_state:
        fields.append((f"lsp {server}", "$error" if server in ("crashed", "failed") else ""))
    if state.model_state:
        name = model_label(state.model)
        suffix = "…" if state.model_state == "loading" else ""
        fields.append((f"{name} {state.model_state}{suffix}", "$error" if state.model_state == "failed" else ""))
    if state.index:
        fields.append((state.index, ""))
    if state.ghost_ms is not None:
        fields.append((f"ghost {state.ghost_ms:.0f} ms", ""))
    return fields


def model_label(model: str) -> str:
    """A model's name short enough for the bar: a GGUF path's file name, cut at MODEL_NAME_CHARS."""
    name = PurePath(model).name.removesuffix(".gguf") if model else "model"
    return name if len(name) <= MODEL_NAME_CHARS else name[: MODEL_NAME_CHARS - 1] + "…"


def fields_content(fields: list[tuple[str, str]]) -> Content:
    """The fields joined by " · ", each in its style."""
    parts: list[str | tuple[str, str]] = []
    for number, (text, style) in enumerate(fields):
        if number:
            parts.append(" · ")
        parts.append((text, style) if style else text)
    return Content.assemble(*parts)


PAD_CELLS = 3  # fields this many cells shorter than before are padded to the width they had


class StatusBar(Horizontal):
    """The news (`#status`, what `app.set_status` shows) on the left, the fields on the right."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; }
    StatusBar > Static { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusBar > #status { width: 1fr; padding: 0 1; }
    StatusBar > #status-fields { width: auto; max-width: 60%; padding: 0 1 0 0; }  /* the news keeps 40% */
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = StatusState()
        self._shown = self._news_text = ""
        self._width = 0  # the cells the fields take (with padding)
        self._news, self._fields = Static("", id="status"), Static("", id="status-fields")

    def compose(self) -> ComposeResult:
        yield self._news
        yield self._fields

    def news(self, text: str) -> None:
        """Show one line of news (the last one stays until the next)."""
        if text != self._news_text:  # the problem on the cursor's line is re-announced per keystroke on it
            self._news_text = text
            self._news.update(text)

    def engine_event(self, event: Event) -> None:
        """An engine event: its fields updated, and the news when a user should hear of it."""
        self.apply(event)
        if text := status_text(event):
            self.news(text)

    def apply(self, event: Event | EditorEvent) -> None:
        """Update the fields for `event`; redrawn only when what they show changed."""
        state = reduce(self.state, event)
        if state is self.state:
            return
        self.state = state
        fields = status_fields(state)
        text = " · ".join(text for text, _ in fields)
        if text != self._shown:
            # A relayout (of the whole screen: ~5-10 ms) only when the width changes: a cursor move usually keeps
            # it, and a field a few cells shorter (12:40 -> 13:5 on Enter) is padded to the width it had.
            spare = self._width - len(text)
            padding = " " * spare if 0 < spare <= PAD_CELLS else ""
            width = len(text) + len(padding)
            self._fields.update(Content.assemble(fields_content(fields), padding), layout=width != self._width)
            self._shown, self._width = text, width

    @property
    def fields_text(self) -> str:
        """The fields as plain text (for tests and the benchmark)."""
        return self._shown
