"""One workspace: configuration, models, project context, language servers and ghost text; the front-ends' one
door to the engine.

The pipelines (engine/chat.py, engine/edit.py, engine/ghost/) work over a Session; the Session only owns the
long-lived parts, wires them, and runs their lifecycles. What happens in the background (models loading, the
index building, language servers starting or crashing, docs crawls, files changing on disk) reaches the
front-ends as events (engine/events.py) through `subscribe`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from context.workspace import relative_path
from engine.config import Config, coerce, load_config, prompt_lookup_tokens
from engine.definitions import DefinitionProvider, definitions_provider
from engine.events import (
    Event,
    EventBus,
    FileChangedOnDisk,
    LanguageServerCrashed,
    LanguageServerFailed,
    LanguageServerMissing,
    LanguageServerStarted,
    ModelFailed,
    ModelLoaded,
    ModelLoading,
    Subscriber,
    WatchFailed,
)
from engine.ghost import GhostText, GhostTextRequest, GhostTextService
from engine.ghost.context import context_parts
from engine.ghost.prompt import prompt_builder
from engine.ghost.retention import RetentionTracker
from engine.ghost.stats import GhostStats
from engine.privacy import Withheld, ghost_text_refusal, withheld
from engine.project import IndexSummary, Progress, ProjectContext, summarize
from engine.recent_edits import RecentEdits, recent_edit_items
from engine.recovery import RecoveryStore
from engine.sources import docs_sources, server_specs
from models.base import Model, ModelError
from models.registry import ModelRegistry, ModelSpec
from prompts.items import ContextItem

if TYPE_CHECKING:
    from lsp.client import LanguageServerPool, ServerStatus

log = logging.getLogger("caret.session")

# A language server's state, as the event a front-end hears ("starting", "closed"... are not news).
_SERVER_EVENTS: dict[str, Callable[[str, str], Event]] = {
    "running": LanguageServerStarted,
    "missing": LanguageServerMissing,
    "failed": LanguageServerFailed,
    "crashed": LanguageServerCrashed,
}


class Session:
    """One workspace, opened by a front-end: every engine call a front-end makes goes through here."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root.resolve()
        self.config = config
        self._events = EventBus()
        self._registry = ModelRegistry()
        self._project = ProjectContext(self.root, docs_sources(config), publish=self._events.publish)
        self._lsp: LanguageServerPool | None = None
        self._server_states: dict[str, str] = {}  # language -> last state published
        self.recent_edits = RecentEdits()  # the last hunks edited per file, for prompts (ghost text's stable part)
        self.ghost_stats = GhostStats(self.root)  # local metrics only (`caret stats`), never sent anywhere
        self.retention = RetentionTracker(self.ghost_stats.retained)  # accepted text still there 30 s / 2 min later
        self._ghost = self._ghost_service()
        self._warmup: asyncio.Task[None] | None = None
        self._warming: list[ModelSpec] = []  # what the newest warm-up loads
        self._background = False

    def _ghost_service(self) -> GhostTextService:
        config = self.config
        return GhostTextService(
            model=lambda: self.model("completion"),
            build_prompt=prompt_builder(
                self._project, self.definitions_provider, budget_tokens=config["completion.prompt_tokens"],
                lsp_budget_s=config["lsp.ghost_budget_ms"] / 1000,
                recent=lambda: [h for h in self.recent_edits.hunks() if self.may_send(h.path)],  # never a secret's
                context=context_parts(config["completion.context"]),
            ),
            max_tokens=config["completion.max_tokens"],
            multiline=config["completion.multiline"],
            withhold=lambda path: ghost_text_refusal(reason) if (reason := self.withheld(path)) else "",
        )

    def reconfigure(self, changes: Mapping[str, Any], origin: str = "client") -> None:
        """Apply settings changed while running (an editor's configuration): models, budgets, debounce. A bad
        value raises ConfigError (one line) and nothing changes; a changed model is loaded on its next use."""
        values, sources = dict(self.config.values), dict(self.config.sources)
        for key, raw in changes.items():
            values[key] = coerce(key, raw, origin)
            sources[key] = origin
        self.config = Config(values=values, sources=sources)
        self._ghost.cancel()
        self._ghost = self._ghost_service()

    @classmethod
    def open(
        cls, root: Path, *, flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Session:
        """A session for the workspace at `root`, its configuration read from files, `env` and `flags`."""
        return cls(root, load_config(root.resolve(), env=env, flags=flags))

    # -- events --
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` with every engine event from now on (on the subscriber's event loop, when it has one);
        returns the function that stops it."""
        return self._events.subscribe(callback)

    def on_disk_change(self, callback: Callable[[FileChangedOnDisk], None]) -> Callable[[], None]:
        """Call `callback` for each workspace file changed on disk, once the index knows; returns the unsubscribe
        function. Changes are watched after `start_background`."""

        def changed(event: Event) -> None:
            if isinstance(event, FileChangedOnDisk):
                callback(event)

        return self.subscribe(changed)

    # -- background work --
    def start_background(self) -> None:
        """Start what an interactive front-end wants kept current, without waiting on any of it: the index build,
        crawls of stale @docs sites, and the watcher. Must run on the event loop; a second call does nothing."""
        if self._background:
            return
        self._background = True
        self._project.start_index()
        self._project.start_docs_crawls()
        try:
            self._project.start_watching()
        except Exception as exc:  # no inotify watches left: caret still works, without live updates
            self._events.publish(WatchFailed(str(exc)))

    def build_index(self, progress: Progress | None = None, rebuild: bool = False) -> IndexSummary:
        """Build (or refresh from .caret/index) the index now, on this thread: for headless commands.
        `progress(done, total)` is called as files are parsed; `rebuild` ignores the cache."""
        return summarize(self._project.build_index(progress=progress, use_cache=not rebuild))

    async def index_summary(self) -> IndexSummary | None:
        """What the index holds now, read on its worker thread; None while the first build has not finished."""
        index = self._project.index
        return None if index is None else await self._project.run(summarize, index)

    def workspace_files(self) -> list[str]:
        """Workspace-relative paths of the files caret may open (ignore rules and secrets applied)."""
        return self._project.files()

    # -- models --
    def model_spec(self, role: str) -> ModelSpec:
        """What the configuration chose for `role` (completion, chat, edit)."""
        choice = self.config.model(role)
        return ModelSpec(
            provider=choice.provider,
            model=choice.model,
            base_url=choice.base_url,
            api_key=choice.api_key,
            context_window=choice.context_window
            or (self.config["local.context_size"] if choice.provider == "local" else 0),
            threads=self.config["local.threads"],
            timeout_s=self.config["remote.timeout_s"],
            max_retries=self.config["remote.max_retries"],
            prompt_lookup=prompt_lookup_tokens(self.config["local.prompt_lookup"], role, choice.provider),
        )

    def model(self, role: str) -> Model:
        """The model for `role`, created on first use and shared after."""
        return self._registry.get(self.model_spec(role))

    def warm_up(self, *roles: str) -> asyncio.Task[None]:
        """Load the models in the background (ModelLoading, then ModelLoaded or ModelFailed); the UI never
        waits on it. Asked again after a model changed in the configuration, it warms the new one once the
        warm-up in flight is done."""
        previous = self._warmup
        specs = [self.model_spec(role) for role in roles or ("completion",)]

        async def run() -> None:
            if previous is not None and not previous.done():
                try:  # one warm-up at a time, so a client sees one model load after the other
                    await previous
                except Exception:
                    log.debug("the earlier warm-up failed", exc_info=True)
            for role in roles or ("completion",):
                name = self.config.model(role).model
                self._events.publish(ModelLoading(role, model=name))
                try:
                    await self.model(role).warm_up()
                except ModelError as exc:
                    self._events.publish(ModelFailed(role, str(exc), model=name))
                else:
                    self._events.publish(ModelLoaded(role, model=name))

        if previous is not None and not previous.done() and specs == self._warming:
            return previous
        self._warming = specs
        self._warmup = task = asyncio.create_task(run())
        return task

    # -- paths --
    def relative_path(self, path: str | Path) -> str:
        """The workspace-relative path, or WorkspaceError naming `path` when it (or a symlink on it) leaves the
        workspace."""
        return relative_path(self.root, path)

    # -- what may reach a model --
    def withheld(self, path: str) -> Withheld:
        """Why the file at `path` must not be sent to a model ("secret", "ignored", "outside" the workspace), or
        "" when it may: every pipeline asks this; only an @-mention by name sends such a file."""
        return withheld(self._project.workspace, path)

    def may_send(self, path: str) -> bool:
        """True when the file at `path` may enter a prompt without the user naming it."""
        return not self.withheld(path)

    # -- language servers --
    @property
    def lsp(self) -> LanguageServerPool | None:
        """The language servers (for the engine's pipelines); None when disabled in the configuration."""
        if not self.config["lsp.enabled"]:
            return None
        if self._lsp is None:
            from lsp.client import LanguageServerPool

            self._lsp = LanguageServerPool(self.root, server_specs(self.config), on_status=self._server_status)
        return self._lsp

    def _server_status(self, status: ServerStatus) -> None:
        """The pool's status changes, forwarded as events: each state once, until it changes."""
        if self._server_states.get(status.language) == status.state:
            return
        self._server_states[status.language] = status.state
        make = _SERVER_EVENTS.get(status.state)
        if make is not None:
            self._events.publish(make(status.language, status.message or f"{status.server} {status.state}"))

    def language_server_problem(self, rel: str) -> str:
        """One line when the file's language has no working server ("no language server for Go: install
        gopls"); "" when it is fine or not yet asked. caret works on without it, from tree-sitter context."""
        pool = self._lsp
        status = pool.status_for(str(self.root / rel)) if pool is not None else None
        if status is None or status.state not in ("missing", "failed", "crashed"):
            return ""
        return status.message or f"{status.server} {status.state}"

    async def language_server_for(self, rel: str) -> str | None:
        """The language whose server serves `rel` (the key of its LanguageServer* events); None when none does or
        language servers are off. lsp.client (~1 s of imports) is imported on a thread, never on the event loop."""
        if not self.config["lsp.enabled"]:
            return None
        if self._lsp is None:
            await asyncio.to_thread(importlib.import_module, "lsp.client")
        pool = self.lsp
        return pool.language_for(str(self.root / rel)) if pool is not None else None

    def definitions_provider(self) -> DefinitionProvider | None:
        """Definitions near a cursor from the language servers, for ghost text, chat and edit; None without
        language servers."""
        if not self.config["lsp.enabled"]:
            return None
        if self._lsp is not None:
            return definitions_provider(self._lsp, self.root)
        return self._first_definitions

    async def _first_definitions(self, path: str, text: str, line: int, budget_s: float) -> list[ContextItem]:
        """The provider until the pool exists: lsp.client (lsprotocol, ~1 s) is imported on a thread, so the first
        request after launch (a ghost prefill on open) does not hold the event loop and the first frame."""
        await asyncio.to_thread(importlib.import_module, "lsp.client")
        pool = self.lsp
        return [] if pool is None else await definitions_provider(pool, self.root)(path, text, line, budget_s)

    # -- buffers --
    @cached_property
    def recovery(self) -> RecoveryStore:
        """Unsaved buffers kept in `.caret/recovery/` for crash recovery: an editor keeps, discards, offers them."""
        return RecoveryStore(self.root)

    def buffer_changed(self, rel: str, text: str) -> None:
        """An unsaved edit: recorded now (cheap, per keystroke), indexed before the next chat or edit, so
        retrieval sees what the user sees."""
        self._project.note_buffer_edit(rel, text)
        self.recent_edits.note(rel, text)
        self.retention.text_changed(rel, text)

    async def buffer_saved(self, rel: str, text: str) -> None:
        """Tell the language server (didSave) and the index; the watcher's own event arrives later."""
        self._project.note_buffer_edit(rel, text)
        pool = self._lsp
        if pool is not None and pool.document_version(str(self.root / rel)) is not None:
            await pool.save_document(str(self.root / rel), text)

    def recent_edit_items(self, limit: int = 8) -> list[ContextItem]:
        """This session's newest edits as short diffs (chat's "recent edits"), secret and ignored files left out."""
        hunks = [h for h in self.recent_edits.hunks() if self.may_send(h.path)]
        return recent_edit_items(hunks, "", (0, 0), limit)

    # -- ghost text --
    async def complete(
        self, request: GhostTextRequest, on_partial: Callable[[str], None] | None = None
    ) -> GhostText:
        """Ghost text at the request's cursor; cancels the request in flight. Raises ModelError (one line)."""
        result = await self._ghost.complete(request, on_partial=on_partial)
        if result.text:
            self.ghost_stats.shown(request.language or "", len(result.text), result.elapsed_ms)
            self.retention.shown(request, result.text)
        return result

    def ghost_accepted(self, language: str | None, suggestion: str, inserted: str) -> None:
        """The user accepted `inserted` (all of `suggestion`, or a word or line of it): counted for `caret stats`.
        Every front-end calls this on Tab (or a partial accept)."""
        self.ghost_stats.accepted(language or "", suggestion, inserted)
        self.retention.accepted(language or "", suggestion, inserted)  # checked 30 s and 2 min later

    def cancel_ghost_text(self) -> None:
        """Stop the ghost-text request in flight, if any: the user typed on, or is leaving."""
        self._ghost.cancel()

    async def prefill(self, rel: str, text: str, language: str | None) -> None:
        """Warm the completion model's KV cache with a just-opened file (a failure is published as ModelFailed)."""
        if not self.config["completion.enabled"]:
            return
        try:
            await self._ghost.prefill(text, rel, language)
        except ModelError as exc:
            self._events.publish(ModelFailed("completion", str(exc)))

    async def aclose(self) -> None:
        """Stop everything the session started: generation, warm-up, language servers, watcher, index, models."""
        self._ghost.cancel()
        self.retention.close()
        self.ghost_stats.flush()
        if self._warmup is not None and not self._warmup.done():
            self._warmup.cancel()
        if self._lsp is not None:
            await self._lsp.close()
            self._lsp = None
        await self._project.aclose()
        await self._registry.aclose()

