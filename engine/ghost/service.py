"""Serves ghost text: one request decodes at a time, and a new one cancels the one in flight, so typing never
waits on a completion nobody will see. A file that must not reach a model (a secret, an ignored file) gets no
request at all, prefill included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from engine.ghost.postprocess import context_at, is_cut_short, postprocess_ghost_text, strip_fence
from engine.ghost.prompt import PromptBuilder
from engine.ghost.request import GhostText, GhostTextRequest
from models.base import GenerationParams, Model, ModelStream


class GhostTextService:
    """Serves ghost text for one completion model; at most one request decodes at a time."""

    def __init__(
        self,
        model: Callable[[], Model],
        build_prompt: PromptBuilder,
        max_tokens: int = 48,
        multiline: bool = True,
        withhold: Callable[[str], str] | None = None,
    ) -> None:
        self._model = model
        self._withhold = withhold or (lambda path: "")  # path -> why no request may be made ("" when it may)
        self._build_prompt = build_prompt
        self._max_tokens = max_tokens
        self._multiline = multiline
        self._current: ModelStream | None = None

    def cancel(self) -> None:
        """Stop decoding the request in flight, if any (it answers "" with finish reason "cancelled")."""
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
        if refusal := self._withhold(request.path):
            return GhostText(text="", finish_reason="withheld", withheld=refusal)
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
