"""Serves ghost text: one request decodes at a time, and a new one cancels the one in flight, so typing never
waits on a completion nobody will see. A file that must not reach a model (a secret, an ignored file) gets no
request at all, prefill included.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable

from engine.ghost.policy import CompletionCache, heal, healed_span, may_suggest_mid_line
from engine.ghost.postprocess import context_at, is_cut_short, postprocess_ghost_text, strip_fence
from engine.ghost.prompt import PromptBuilder
from engine.ghost.request import GhostText, GhostTextRequest, cursor_offset
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
        self._generation = 0  # bumped by every request and cancel: a request superseded while its prompt builds stops
        self.cache = CompletionCache()

    def cancel(self) -> None:
        """Stop decoding the request in flight, if any (it answers "" with finish reason "cancelled")."""
        self._generation += 1
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
        generation = self._generation
        if refusal := self._withhold(request.path):
            return GhostText(text="", finish_reason="withheld", withheld=refusal)
        started = time.perf_counter()
        ctx = context_at(request.text, request.line, request.column, self._multiline)
        if not request.invoked and not may_suggest_mid_line(ctx.line_suffix):
            return GhostText(text="", finish_reason="mid-line")  # Tab would insert it into the middle of the code
        offset = cursor_offset(request.text, request.line, request.column)
        before, after = request.text[:offset], request.text[offset:]
        remember = max_tokens is None  # a prefill's one token is no suggestion
        if remember and (cached := self.cache.get(request.path, before, after)) is not None:
            if cached and on_partial is not None:
                on_partial(cached)
            return GhostText(text=cached, finish_reason="cached", elapsed_ms=(time.perf_counter() - started) * 1000)
        word = healed_span(ctx.line_prefix, ctx.line_suffix) if remember else ""
        if word:  # token healing: the prompt stops before the word, the completion must retype it
            request = dataclasses.replace(request, text=before[: -len(word)] + after, column=request.column - len(word))
            ctx = context_at(request.text, request.line, request.column, self._multiline)
        line_end = not ctx.line_suffix.strip()  # healing: a completion may go on to a new line after the word
        model = self._model()
        prompt = await self._build_prompt(request, model)
        if generation != self._generation:  # a newer request (or a cancel) came while the prompt was built
            return GhostText(text="", prompt=prompt.text, finish_reason="cancelled")
        single_line = bool(ctx.line_suffix.strip()) or not ctx.multiline
        stop = (*prompt.stop, "\n") if single_line and prompt.messages is None else prompt.stop
        params = GenerationParams(max_tokens=max_tokens or self._max_tokens, temperature=0.0, stop=stop)
        if prompt.messages is not None:
            stream = model.stream_chat(prompt.messages, params)
        else:
            stream = model.stream_completion(prompt.text, params)
        self._current = stream
        raw, shown, rejected = "", "", False
        try:
            async for delta in stream:
                raw += delta
                if prompt.messages is not None:
                    continue  # a chat reply may open with a fence: judge it whole
                processed = postprocess_ghost_text(raw, ctx)
                healed = heal(processed, word, line_end)
                if healed.rejected and not is_cut_short(raw, processed):
                    rejected = True  # the model would not retype the word: nothing worth showing
                    stream.cancel()
                    break
                if on_partial is not None and healed.text != shown:
                    shown = healed.text
                    on_partial(healed.text)
                if is_cut_short(raw, processed):
                    stream.cancel()  # the rest would be thrown away: stop decoding it
        except asyncio.CancelledError:
            stream.cancel()
            raise
        finally:
            if self._current is stream:
                self._current = None
        if rejected:
            self.cache.put(request.path, before, after, "")
            return GhostText(text="", raw=raw, prompt=prompt.text, prompt_tokens=prompt.tokens,
                             elapsed_ms=(time.perf_counter() - started) * 1000, finish_reason="healing rejected")
        if stream.cancelled and not is_cut_short(raw, postprocess_ghost_text(raw, ctx)):
            return GhostText(text="", prompt=prompt.text, finish_reason="cancelled")
        if prompt.messages is not None:
            raw = strip_fence(raw)
        text = heal(postprocess_ghost_text(raw, ctx), word, line_end).text
        if remember:
            self.cache.put(request.path, before, after, text)
        return GhostText(
            text=text,
            raw=raw,
            prompt=prompt.text,
            prompt_tokens=prompt.tokens,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            finish_reason=stream.finish_reason,
            dropped=prompt.dropped,
            rendered=prompt.rendered,
        )
