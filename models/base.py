"""The Model protocol every layer above talks to, and the cancellable stream it returns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class ModelError(Exception):
    """A model failure with a one-line message fit to show a user as is."""


class ChatMessage(Protocol):
    """One chat turn as a model reads it. prompts' rendered `Message` has this shape, so the engine passes
    rendered messages straight through; models/ never imports prompts/."""

    @property
    def role(self) -> str:
        """One of system, user, assistant."""
        ...

    @property
    def content(self) -> str: ...


@dataclass(frozen=True)
class Capabilities:
    """What a model can do: chat, raw completion, and which fill-in-the-middle format it knows."""

    chat: bool = True
    raw_completion: bool = True
    # Name of the fill-in-the-middle format the model was trained on ("qwen", "starcoder", "codellama",
    # "deepseek", "codestral", "codegemma"), or None when the model can only continue a prefix.
    fim_format: str | None = None


@dataclass(frozen=True)
class GenerationParams:
    """Sampling settings for one generation."""

    max_tokens: int = 256
    temperature: float = 0.2
    top_p: float = 0.95
    stop: tuple[str, ...] = ()
    seed: int | None = None


@dataclass
class Usage:
    """Tokens a generation read and wrote."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class ModelStream:
    """Async iterator of text deltas. `cancel()` stops generation; after iteration ends,
    `finish_reason` is "stop", "length", "cancelled" or "error", and `usage` holds token counts.

    Producers (a decoding thread or an HTTP reader task) feed it through `put`/`finish`, which are safe to call
    from any thread via `loop`.
    """

    loop: asyncio.AbstractEventLoop
    on_cancel: Callable[[], None] | None = None
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    error: ModelError | None = None
    _queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    _cancelled: bool = False
    _done: bool = False

    # -- producer side (thread-safe) --
    def put(self, delta: str) -> None:
        self.loop.call_soon_threadsafe(self._queue.put_nowait, delta)

    def finish(self, reason: str, usage: Usage | None = None, error: ModelError | None = None) -> None:
        def _finish() -> None:
            if self.finish_reason is None:
                self.finish_reason = "cancelled" if self._cancelled else reason
            if usage is not None:
                self.usage = usage
            if error is not None and not self._cancelled:
                self.error = error
            self._queue.put_nowait(None)

        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(_finish)

    # -- consumer side --
    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        if self._cancelled or self._done:
            return
        self._cancelled = True
        if self.on_cancel is not None:
            self.on_cancel()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[str]:
        while True:
            item = await self._queue.get()
            if item is None:
                self._done = True
                if self.error is not None:
                    raise self.error
                return
            if not self._cancelled:
                yield item

    async def text(self) -> str:
        """Drain the stream and return everything it produced."""
        return "".join([delta async for delta in self])


@runtime_checkable
class Model(Protocol):
    """What every model offers, local or remote."""

    name: str

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def context_window(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def stream_chat(self, messages: Sequence[ChatMessage], params: GenerationParams) -> ModelStream: ...

    def stream_completion(self, prompt: str, params: GenerationParams) -> ModelStream:
        """Continue `prompt` as raw text. A FIM prompt is raw text already laid out by prompts/."""
        ...

    async def warm_up(self) -> None:
        """Load weights (local) or check the server (remote) without generating; idempotent."""
        ...

    async def aclose(self) -> None: ...
