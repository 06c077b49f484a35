"""The ghost-text pipeline: cursor -> context -> prompt -> model stream -> post-processed suggestion.

A new request cancels the one in flight, so typing never waits on a completion nobody will see.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from engine.ghost_text import context_at, postprocess_ghost_text
from models.base import ChatMessage, GenerationParams, Model, ModelError, ModelStream
from prompts import RenderResult


@dataclass(frozen=True)
class GhostTextRequest:
    path: str  # workspace-relative when inside the workspace
    text: str  # the whole buffer, unsaved edits included
    line: int  # 0-based
    column: int  # 0-based, in Python characters
    language: str | None = None
    version: int = 0


@dataclass(frozen=True)
class GhostText:
    text: str
    raw: str = ""
    prompt: str = ""
    prompt_tokens: int = 0
    elapsed_ms: float = 0.0
    finish_reason: str | None = None
    dropped: tuple[str, ...] = field(default_factory=tuple)
    rendered: RenderResult | None = None


@dataclass(frozen=True)
class GhostPrompt:
    """Raw text to continue, or chat messages for a chat-only model (then `text` is empty)."""

    text: str
    tokens: int
    stop: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    messages: tuple[ChatMessage, ...] | None = None
    rendered: RenderResult | None = None  # for the prompt inspector


PromptBuilder = Callable[[GhostTextRequest, Model], Awaitable[GhostPrompt]]


def cursor_offset(text: str, line: int, column: int) -> int:
    """Index into `text` of (line, column); clamped to the text so a stale position never raises."""
    lines = text.split("\n")
    line = max(0, min(line, len(lines) - 1))
    column = max(0, min(column, len(lines[line])))
    return sum(len(part) + 1 for part in lines[:line]) + column


def strip_fence(reply: str) -> str:
    """Chat models wrap code in a fence despite being told not to: keep what is inside."""
    lines = reply.strip("\n").split("\n")
    if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1])
    return reply


class GhostTextService:
    """Serves ghost text for one completion model; at most one request decodes at a time."""

    def __init__(
        self,
        model: Callable[[], Model],
        build_prompt: PromptBuilder,
        max_tokens: int = 48,
        multiline: bool = True,
    ) -> None:
        self._model = model
        self._build_prompt = build_prompt
        self._max_tokens = max_tokens
        self._multiline = multiline
        self._current: ModelStream | None = None

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()
            self._current = None

    async def prefill(self, text: str, path: str, language: str | None) -> None:
        """Evaluate the prompt for a cursor at the end of `text` and discard the answer, so the model's KV cache
        holds the file: the first real suggestion anywhere in it then only evaluates the tail after the edit."""
        lines = text.split("\n")
        request = GhostTextRequest(path, text, len(lines) - 1, len(lines[-1]), language)
        if self._current is None:  # never delay a real request
            await self.complete(request, max_tokens=1)

    async def complete(
        self,
        request: GhostTextRequest,
        max_tokens: int | None = None,
        on_partial: Callable[[str], None] | None = None,
    ) -> GhostText:
        """The suggestion at the cursor ("" when none). Raises ModelError with a one-line message.

        `on_partial` sees the post-processed suggestion as it grows, so an editor can show the first line while
        the rest decodes. Decoding stops as soon as the post-processor has cut the suggestion short.
        """
        self.cancel()
        started = time.perf_counter()
        model = self._model()
        prompt = await self._build_prompt(request, model)
        ctx = context_at(request.text, request.line, request.column, self._multiline)
        single_line = bool(ctx.line_suffix.strip()) or not ctx.multiline
        stop = (*prompt.stop, "\n") if single_line and prompt.messages is None else prompt.stop
        params = GenerationParams(max_tokens=max_tokens or self._max_tokens, temperature=0.0, stop=stop)
        if prompt.messages is not None:
            stream = model.stream_chat(prompt.messages, params)
        else:
            stream = model.stream_completion(prompt.text, params)
        self._current = stream
        raw, shown = "", ""
        try:
            async for delta in stream:
                raw += delta
                if prompt.messages is not None:
                    continue  # a chat reply may open with a fence: judge it whole
                text = postprocess_ghost_text(raw, ctx)
                if on_partial is not None and text != shown:
                    shown = text
                    on_partial(text)
                if is_cut_short(raw, text):
                    stream.cancel()  # the rest would be thrown away: stop decoding it
        except asyncio.CancelledError:
            stream.cancel()
            raise
        finally:
            if self._current is stream:
                self._current = None
        if stream.cancelled and not is_cut_short(raw, postprocess_ghost_text(raw, ctx)):
            return GhostText(text="", prompt=prompt.text, finish_reason="cancelled")
        if prompt.messages is not None:
            raw = strip_fence(raw)
        return GhostText(
            text=postprocess_ghost_text(raw, ctx),
            raw=raw,
            prompt=prompt.text,
            prompt_tokens=prompt.tokens,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            finish_reason=stream.finish_reason,
            dropped=prompt.dropped,
            rendered=prompt.rendered,
        )


def is_cut_short(raw: str, processed: str) -> bool:
    """True when the raw continuation already holds a whole line past what the post-processor kept: more tokens
    cannot change the suggestion."""
    return raw.count("\n") > processed.count("\n") + 1

__all__ = ["GhostPrompt", "GhostText", "GhostTextRequest", "GhostTextService", "ModelError", "cursor_offset"]
