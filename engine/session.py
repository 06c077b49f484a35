"""One workspace: configuration, models, project context, language servers, and the ghost-text service.

The pipelines (engine/chat.py, engine/edit.py, engine/complete.py) are functions over a Session; the Session
only owns the long-lived parts and their lifecycles.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.complete import GhostPrompt, GhostText, GhostTextRequest, GhostTextService
from engine.config import Config, load_config
from engine.gather import DefinitionProvider, gather_for_ghost
from engine.ghost_prompt import build_ghost_prompt
from engine.project import ProjectContext
from engine.sources import docs_sources, server_specs
from models.base import Model, ModelError
from models.registry import ModelRegistry, ModelSpec
from prompts.items import ContextItem

if TYPE_CHECKING:
    from lsp.client import LanguageServerPool

log = logging.getLogger("caret.session")


class WorkspaceError(Exception):
    """A path or file the workspace refuses, with a one-line reason."""


class Session:
    def __init__(self, root: Path, config: Config) -> None:
        self.root = root.resolve()
        self.config = config
        self._registry = ModelRegistry()
        self.project = ProjectContext(self.root, docs_sources(config))
        self._lsp: LanguageServerPool | None = None
        self.ghost = GhostTextService(
            model=lambda: self.model("completion"),
            build_prompt=self._ghost_prompt,
            max_tokens=config["completion.max_tokens"],
            multiline=config["completion.multiline"],
        )
        self._warmup: asyncio.Task[None] | None = None
        self.status: str = ""

    @classmethod
    def open(
        cls, root: Path, *, flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Session:
        return cls(root, load_config(root.resolve(), env=env, flags=flags))

    # -- models --
    def model_spec(self, role: str) -> ModelSpec:
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
        )

    def model(self, role: str) -> Model:
        return self._registry.get(self.model_spec(role))

    def warm_up(self, *roles: str) -> asyncio.Task[None]:
        """Load the models in the background; the UI never waits on it. Errors land in `status`."""

        async def run() -> None:
            for role in roles or ("completion",):
                try:
                    self.status = f"loading {role} model…"
                    await self.model(role).warm_up()
                    self.status = ""
                except ModelError as exc:
                    self.status = str(exc)

        if self._warmup is None or self._warmup.done():
            self._warmup = asyncio.create_task(run())
        return self._warmup

    # -- paths --
    def relative_path(self, path: str | Path) -> str:
        """The workspace-relative path, or WorkspaceError for a path outside the workspace."""
        full = (self.root / path).resolve() if not Path(path).is_absolute() else Path(path).resolve()
        try:
            return full.relative_to(self.root).as_posix()
        except ValueError:
            raise WorkspaceError(f"{path}: outside the workspace {self.root}") from None

    # -- language servers --
    @property
    def lsp(self) -> LanguageServerPool | None:
        if not self.config["lsp.enabled"]:
            return None
        if self._lsp is None:
            from lsp.client import LanguageServerPool

            self._lsp = LanguageServerPool(self.root, server_specs(self.config))
        return self._lsp

    def language_server_problem(self, rel: str) -> str:
        """One line when the file's language has no working server ("no language server for Go: install
        gopls"); "" when it is fine or not yet asked. caret works on without it, from tree-sitter context."""
        pool = self._lsp
        status = pool.status_for(str(self.root / rel)) if pool is not None else None
        if status is None or status.state not in ("missing", "failed", "crashed"):
            return ""
        return status.message or f"{status.server} {status.state}"

    def definitions_provider(self) -> DefinitionProvider | None:
        pool = self.lsp
        if pool is None:
            return None

        async def provide(path: str, text: str, line: int, budget_s: float) -> list[ContextItem]:
            from engine.files import language_for
            from engine.lsp_context import definition_context

            language = language_for(path, text.split("\n", 1)[0]) or ""
            try:
                return await definition_context(pool, str(self.root / path), text, language, line, budget_s)
            except Exception as exc:  # a broken server must never break a completion or an answer
                log.warning("definition context failed: %s", exc)
                return []

        return provide

    # -- buffers --
    def buffer_changed(self, rel: str, text: str) -> None:
        """An unsaved edit: recorded now (cheap, per keystroke), indexed before the next chat or edit, so
        retrieval sees what the user sees."""
        self.project.note_buffer_edit(rel, text)

    async def buffer_saved(self, rel: str, text: str) -> None:
        """Tell the language server (didSave) and the index; the watcher's own event arrives later."""
        self.project.note_buffer_edit(rel, text)
        pool = self._lsp
        if pool is not None and pool.document_version(str(self.root / rel)) is not None:
            await pool.save_document(str(self.root / rel), text)

    # -- ghost text --
    async def _ghost_prompt(self, request: GhostTextRequest, model: Model) -> GhostPrompt:
        rules, items = await gather_for_ghost(
            self.project, request.path, request.text, request.line,
            definitions=self.definitions_provider(), lsp_budget_s=self.config["lsp.ghost_budget_ms"] / 1000,
        )
        return build_ghost_prompt(
            request, model, budget_tokens=self.config["completion.prompt_tokens"], rules=rules, items=items
        )

    async def complete(
        self, request: GhostTextRequest, on_partial: Callable[[str], None] | None = None
    ) -> GhostText:
        return await self.ghost.complete(request, on_partial=on_partial)

    async def prefill(self, rel: str, text: str, language: str | None) -> None:
        """Warm the completion model's KV cache with a just-opened file (errors are the status line's job)."""
        if not self.config["completion.enabled"]:
            return
        try:
            await self.ghost.prefill(text, rel, language)
        except ModelError as exc:
            self.status = str(exc)

    async def aclose(self) -> None:
        self.ghost.cancel()
        if self._warmup is not None and not self._warmup.done():
            self._warmup.cancel()
        if self._lsp is not None:
            await self._lsp.close()
            self._lsp = None
        await self.project.aclose()
        await self._registry.aclose()
