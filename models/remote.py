"""Any OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, Ollama, LM Studio) as a caret Model.

Each generation is one asyncio task on the caller's loop that reads the server-sent events and feeds a
ModelStream; cancelling the stream cancels the task, which closes the HTTP response at once. The openai client
retries 408/409/429/5xx and connection failures before the response starts (exponential backoff, honouring
Retry-After); nothing is retried once text has started to flow. Every failure becomes one ModelError line.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import openai

from models.base import Capabilities, ChatMessage, GenerationParams, ModelError, ModelStream, Usage
from models.tokenizers import bare_model_name, openai_context_window, tokenizer_for

OPENAI_BASE_URL = "https://api.openai.com/v1"
# llama.cpp server, vLLM, Ollama and LM Studio accept any key unless started with one; the client needs some.
DUMMY_API_KEY = "sk-no-key-required"
DEFAULT_CONTEXT_WINDOW = 8192
WARM_UP_TIMEOUT_S = 5.0

_OPENAI_CHAT_NAME = re.compile(r"^(gpt-|chatgpt-|o[1-9](-|$)|codex-)")
# Reasoning models reject `max_tokens` and any temperature but the default.
_OPENAI_REASONING_NAME = re.compile(r"^(o[1-9](-|$)|gpt-5(?!-chat))")
# Fill-in-the-middle format guessed from an open model's name; Capabilities passed in config win.
_FIM_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), fmt)
    for pattern, fmt in (
        (r"qwen.*coder", "qwen"),
        (r"starcoder", "starcoder"),
        (r"codellama|code-llama", "codellama"),
        (r"deepseek-coder", "deepseek"),
        (r"codestral", "codestral"),
        (r"codegemma", "codegemma"),
    )
)


def is_openai_chat_name(name: str) -> bool:
    """OpenAI's hosted chat models: no legacy /completions. gpt-oss is open weights, served anywhere."""
    bare = bare_model_name(name)
    return bool(_OPENAI_CHAT_NAME.search(bare)) and not bare.startswith("gpt-oss") and "instruct" not in bare


def default_capabilities(name: str) -> Capabilities:
    """What a model of this name can do (chat, legacy completions, FIM format), guessed from the name."""
    bare = bare_model_name(name)
    if bare.startswith(("gpt-3.5-turbo-instruct", "davinci-002", "babbage-002")):
        return Capabilities(chat=False, raw_completion=True)
    if is_openai_chat_name(bare):
        return Capabilities(chat=True, raw_completion=False)
    fim = next((fmt for pattern, fmt in _FIM_BY_NAME if pattern.search(bare)), None)
    return Capabilities(chat=True, raw_completion=True, fim_format=fim)


def context_window_from_listing(entries: Sequence[dict[str, Any]], model: str) -> int | None:
    """The window a GET /models answer states for `model`: vLLM's max_model_len, llama.cpp server's
    meta.n_ctx_train, LM Studio's / OpenRouter's context_length. Falls back to the only entry listed."""
    chosen = [e for e in entries if e.get("id") == model] or (list(entries) if len(entries) == 1 else [])
    for entry in chosen:
        meta = entry.get("meta")
        if not isinstance(meta, dict):
            meta = {}
        for value in (entry.get("max_model_len"), meta.get("n_ctx"), meta.get("n_ctx_train"),
                      entry.get("context_length"), entry.get("max_context_length")):
            if isinstance(value, int) and value > 0:
                return value
    return None


# Anything shaped like an OpenAI-style key ("sk-...", "sk-proj-..."): a server may echo a key in its error body.
_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_URL_PASSWORD = re.compile(r"(//[^/@\s:]*:)[^/@\s]*@")


def redact(text: str, *secrets: str | None) -> str:
    """`text` with each of `secrets` (the configured API key), anything shaped like a key, and a password in a URL
    replaced by "***": a ModelError message is shown, logged and published, so it must never carry a key."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _URL_PASSWORD.sub(r"\1***@", _KEY_SHAPED.sub("sk-***", text))


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            if body.get(key):
                return _one_line(str(body[key]))
    if isinstance(body, str) and body.strip():
        return _one_line(body)
    return ""


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connection_failure(exc: BaseException) -> str:
    """Why a connection failed, in a few words, from the OS error under the client's wrappers."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({_one_line(str(cause), 80)})"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
    text = " ".join(str(c) for c in _causes(exc)).lower()
    if "refused" in text:
        return "connection refused"
    innermost = _causes(exc)[-1]
    return _one_line(str(innermost) or type(innermost).__name__, 120)


def describe_error(
    exc: BaseException,
    *,
    model: str,
    base_url: str,
    timeout_s: float,
    connect_timeout_s: float,
    streaming: bool,
) -> ModelError:
    """One line a user can act on, for any failure of a request to `base_url`."""
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        if any(type(c).__name__ == "ConnectTimeout" for c in _causes(exc)):
            return ModelError(f"cannot reach {base_url}: no answer in {connect_timeout_s:g} s (connect timeout)")
        where = "mid-stream" if streaming else "before answering"
        return ModelError(f"{base_url} stalled {where}: nothing for {timeout_s:g} s (read timeout)")
    if isinstance(exc, openai.APIStatusError):
        status, said = exc.status_code, _server_message(exc)
        detail = f": {said}" if said else ""
        if status == 401:
            return ModelError(f"{base_url} rejected the API key (HTTP 401): set OPENAI_API_KEY")
        if status == 403:
            return ModelError(f"{base_url} refused access to model '{model}' (HTTP 403){detail}")
        if status == 404:
            if "model" in said.lower() or exc.code == "model_not_found":
                return ModelError(f"model '{model}' not found on {base_url}: check CARET_MODEL / config")
            return ModelError(f"{base_url} has no such endpoint (HTTP 404): the base URL usually ends in /v1")
        if status == 429:
            return ModelError(f"{base_url} is rate limiting (HTTP 429) and retries ran out{detail}")
        if status >= 500:
            return ModelError(f"{base_url} failed with a server error (HTTP {status}) after retries{detail}")
        return ModelError(f"{base_url} refused the request (HTTP {status}){detail}")
    if isinstance(exc, openai.APIConnectionError):
        if streaming:
            return ModelError(f"{base_url} dropped the connection mid-stream ({_connection_failure(exc)})")
        return ModelError(f"cannot reach {base_url}: {_connection_failure(exc)}")
    if isinstance(exc, openai.APIError):  # an {"error": ...} event inside the stream
        return ModelError(f"{base_url} reported an error mid-stream: {_one_line(exc.message)}")
    # Non-JSON data lines (JSONDecodeError), chunks of the wrong shape, truncated events.
    return ModelError(f"{base_url} sent a malformed stream ({type(exc).__name__}: {_one_line(str(exc), 120)})")


def _mentions_stream_options(exc: openai.APIStatusError) -> bool:
    return exc.status_code in (400, 422) and "stream_options" in f"{exc.body} {exc.message}"


def _finish_reason(reason: str | None) -> str:
    return "length" if reason == "length" else "stop"


class RemoteModel:
    """An OpenAI-compatible HTTP server; implements models.base.Model."""

    def __init__(
        self,
        name: str,
        base_url: str | None,
        api_key: str | None,
        context_window: int | None = None,
        capabilities: Capabilities | None = None,
        timeout_s: float = 60,
        connect_timeout_s: float = 5,
        max_retries: int = 2,
        tokenizer: str | None = None,
    ) -> None:
        self.name = name
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_BASE_URL).rstrip("/")
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key and urlsplit(self.base_url).hostname != "api.openai.com":
            key = DUMMY_API_KEY  # self-hosted servers rarely check keys
        self._api_key = key
        self._configured_window = context_window
        self._server_window: int | None = None
        self._capabilities = capabilities or default_capabilities(name)
        self._tokenizer = tokenizer_for(name, tokenizer)
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.max_retries = max_retries
        self._send_usage_option = True  # cleared when a server rejects stream_options
        self._client: openai.AsyncOpenAI | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._warm = False

    # -- metadata --
    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    @property
    def context_window(self) -> int:
        return (
            self._configured_window
            or self._server_window
            or openai_context_window(self.name)
            or DEFAULT_CONTEXT_WINDOW
        )

    @property
    def token_count_exact(self) -> bool:
        """False when count_tokens estimates (any server but OpenAI's models); the prompt inspector says so."""
        return self._tokenizer.exact

    @property
    def tokenizer_name(self) -> str:
        return self._tokenizer.name

    def count_tokens(self, text: str) -> int:
        return self._tokenizer.count(text)

    # -- HTTP --
    def _client_for_loop(self) -> openai.AsyncOpenAI:
        """The client's connection pool belongs to one event loop; a new loop (asyncio.run again) gets a new one."""
        if not self._api_key:
            raise self._redacted(ModelError(f"no API key for {self.base_url}: set OPENAI_API_KEY"))
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = openai.AsyncOpenAI(
                api_key=self._api_key,
                base_url=self.base_url,
                timeout=openai.Timeout(self.timeout_s, connect=self.connect_timeout_s),
                max_retries=self.max_retries,
            )
            self._client_loop = loop
        return self._client

    def _error(self, exc: BaseException, streaming: bool) -> ModelError:
        return self._redacted(describe_error(
            exc,
            model=self.name,
            base_url=self.base_url,
            timeout_s=self.timeout_s,
            connect_timeout_s=self.connect_timeout_s,
            streaming=streaming,
        ))

    def _redacted(self, error: ModelError) -> ModelError:
        """The same error, its message without the API key (every ModelError this class raises passes here)."""
        message = str(error)
        clean = redact(message, self._api_key)
        return error if clean == message else ModelError(clean)

    async def warm_up(self) -> None:
        """GET /models once, with a short timeout and no retries; learns the window a local server states."""
        if self._warm:
            return
        client = self._client_for_loop().with_options(
            timeout=openai.Timeout(WARM_UP_TIMEOUT_S, connect=min(self.connect_timeout_s, WARM_UP_TIMEOUT_S)),
            max_retries=0,
        )
        try:
            page = await client.models.list()
            entries = [entry.to_dict() for entry in page.data]
        except Exception as exc:
            raise self._error(exc, streaming=False) from None  # the client's error may quote the key
        self._server_window = context_window_from_listing(entries, self.name)
        self._warm = True

    # -- generation --
    def _sampling(self, params: GenerationParams) -> dict[str, Any]:
        args: dict[str, Any] = {"model": self.name}
        if _OPENAI_REASONING_NAME.search(bare_model_name(self.name)):
            args["max_completion_tokens"] = params.max_tokens
        else:
            args.update(max_tokens=params.max_tokens, temperature=params.temperature, top_p=params.top_p)
        if params.stop:
            args["stop"] = list(params.stop)
        if params.seed is not None:
            args["seed"] = params.seed
        return args

    def stream_chat(self, messages: Sequence[ChatMessage], params: GenerationParams) -> ModelStream:
        args = self._sampling(params)
        args["messages"] = [{"role": m.role, "content": m.content} for m in messages]
        prompt_text = "".join(m.content for m in messages)
        if not self._capabilities.chat:
            return self._failed(ModelError(f"{self.name} is a completion model without chat; choose a chat model"))

        def create(**kw: Any) -> Awaitable[Any]:
            return self._client_for_loop().chat.completions.create(stream=True, **kw)

        def delta(choice: Any) -> str:
            return getattr(getattr(choice, "delta", None), "content", None) or ""

        return self._start(create, args, delta, prompt_text)

    def stream_completion(self, prompt: str, params: GenerationParams) -> ModelStream:
        if not self._capabilities.raw_completion:
            return self._failed(
                ModelError(f"{self.name} on {self.base_url} offers chat only, no raw completion (FIM/prefix)")
            )
        args = self._sampling(params)
        args["prompt"] = prompt

        def create(**kw: Any) -> Awaitable[Any]:
            return self._client_for_loop().completions.create(stream=True, **kw)

        return self._start(create, args, lambda choice: getattr(choice, "text", None) or "", prompt)

    def _failed(self, error: ModelError) -> ModelStream:
        stream = ModelStream(loop=asyncio.get_running_loop())
        stream.finish("error", error=self._redacted(error))
        return stream

    def _start(
        self,
        create: Callable[..., Awaitable[Any]],
        args: dict[str, Any],
        delta_of: Callable[[Any], str],
        prompt_text: str,
    ) -> ModelStream:
        loop = asyncio.get_running_loop()
        stream = ModelStream(loop=loop)
        task = loop.create_task(self._read(stream, create, args, delta_of, prompt_text))
        self._tasks.add(task)

        def done(t: asyncio.Task[None]) -> None:
            self._tasks.discard(t)
            if t.cancelled():  # also covers a task cancelled before it ever ran
                stream.finish("cancelled")

        def cancel() -> None:
            loop.call_soon_threadsafe(task.cancel)

        task.add_done_callback(done)
        stream.on_cancel = cancel
        return stream

    async def _open(self, create: Callable[..., Awaitable[Any]], args: dict[str, Any]) -> Any:
        """Start the stream, asking for usage in the last chunk unless this server has refused that before."""
        if self._send_usage_option:
            try:
                return await create(**args, stream_options={"include_usage": True})
            except openai.APIStatusError as exc:
                if not _mentions_stream_options(exc):
                    raise
                self._send_usage_option = False
        return await create(**args)

    async def _read(
        self,
        stream: ModelStream,
        create: Callable[..., Awaitable[Any]],
        args: dict[str, Any],
        delta_of: Callable[[Any], str],
        prompt_text: str,
    ) -> None:
        response: Any = None
        parts: list[str] = []
        reason: str | None = None
        usage: Usage | None = None
        chunks = 0
        try:
            response = await self._open(create, args)
            async for chunk in response:
                chunks += 1
                reported = getattr(chunk, "usage", None)
                if reported is not None:
                    usage = Usage(reported.prompt_tokens or 0, reported.completion_tokens or 0)
                for choice in (getattr(chunk, "choices", None) or [])[:1]:
                    text = delta_of(choice)
                    if text:
                        parts.append(text)
                        stream.put(text)
                    reason = getattr(choice, "finish_reason", None) or reason
        except asyncio.CancelledError:
            raise  # the done callback finishes the stream as cancelled
        except Exception as exc:
            stream.finish("error", error=self._error(exc, streaming=response is not None))
            return
        finally:
            if response is not None:
                await response.close()
        if chunks == 0:
            # llama-cpp-python's server answers 200 and closes an empty stream when generation fails at once.
            error = ModelError(
                f"{self.base_url} ended the stream without a single event: see its log "
                "(often the prompt exceeds its context window)"
            )
            stream.finish("error", error=self._redacted(error))
            return
        if usage is None:  # the server ignored include_usage: count ourselves (exact or estimated)
            usage = Usage(self.count_tokens(prompt_text), self.count_tokens("".join(parts)))
        stream.finish(_finish_reason(reason), usage)

    async def aclose(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        client, self._client, self._client_loop = self._client, None, None
        if client is not None:
            with contextlib.suppress(RuntimeError):  # its loop is gone; the sockets went with it
                await client.close()
