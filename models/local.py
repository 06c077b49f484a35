"""A GGUF model run in process by llama-cpp-python.

Decoding runs on one worker thread per model, so there is one generation at a time and the event loop never
blocks. Every stream checks its cancel flag after each token, so a cancelled ghost-text request stops decoding
within one token and the next request starts at once. llama.cpp keeps the KV cache of the previous prompt and
reuses its longest common prefix, which is why prompts/ lays out the stable part first.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common.priority import lower_priority
from models.base import Capabilities, ChatMessage, GenerationParams, ModelError, ModelStream, Usage

# The first special token of each fill-in-the-middle format; a GGUF whose vocabulary holds one as a single
# token was trained on that format. Order matters: codegemma and qwen share tokens, the architecture decides.
_FIM_PREFIX_TOKENS: tuple[tuple[str, str], ...] = (
    ("qwen", "<|fim_prefix|>"),
    ("starcoder", "<fim_prefix>"),
    ("deepseek", "<｜fim▁begin｜>"),
    ("codestral", "[SUFFIX]"),
    ("codellama", "▁<PRE>"),
    ("codellama", "<PRE>"),
)

DEFAULT_CONTEXT = 4096

# ggml's OpenMP threads spin while they wait (libgomp's default: ~300k spins). When another process (a language
# server, the UI) holds a core, the spinning threads starve the one doing work. Measured on 2 cores, Gemma decode
# (tok/s, idle / one core busy): default 45 / 13; passive waiting 25 / 22; 1000 spins 44 / 22. It must be set
# before libgomp loads, so here, before llama_cpp is imported.
os.environ.setdefault("GOMP_SPINCOUNT", "1000")
_log = logging.getLogger("caret.llama_cpp")
_log_callback: object = None


def _route_llama_logs() -> None:
    """llama.cpp prints to stderr by default, which would scribble over the TUI: send it to logging instead."""
    global _log_callback
    if _log_callback is not None:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback
    def callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        _log.debug("%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = callback  # keep a reference: ctypes would free the trampoline
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def detect_fim_format(token_count: Callable[[str], int], architecture: str) -> str | None:
    """The FIM format whose special prefix token is a single token in this vocabulary, else None."""
    for fmt, token in _FIM_PREFIX_TOKENS:
        if token_count(token) == 1:
            if fmt == "qwen" and architecture.startswith("gemma"):
                return "codegemma"
            return fmt
    return None


class WorkerLoad:
    """Generations on a model's worker thread: queued behind the one decoding, decoding now, and the most of each
    seen. Read by load tests (bench/ghost_storm.py) to show a typing storm never piles up work."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.queued = self.decoding = self.max_queued = self.max_decoding = self.finished = 0

    def submitted(self) -> None:
        with self._lock:
            self.queued += 1
            self.max_queued = max(self.max_queued, self.queued)

    def withdrawn(self) -> None:
        with self._lock:
            self.queued -= 1

    def started(self) -> None:
        with self._lock:
            self.queued -= 1
            self.decoding += 1
            self.max_decoding = max(self.max_decoding, self.decoding)

    def ended(self) -> None:
        with self._lock:
            self.decoding -= 1
            self.finished += 1


class PromptEval:
    """How the last prompt was read: tokens evaluated now versus reused from the KV cache, and whether it was
    cancelled between evaluation batches. Read by bench/ghost_typing.py; written on the worker thread."""

    def __init__(self) -> None:
        self.evaluated = self.reused = self.prompts = self.evaluated_total = 0
        self.cancelled = False

    def record(self, evaluated: int, reused: int, cancelled: bool) -> None:
        self.evaluated, self.reused, self.cancelled = evaluated, reused, cancelled
        self.prompts += 1
        self.evaluated_total += evaluated


# Prompt tokens evaluated between two looks at the cancel flag: ~0.1 s of work on 2 cores for a 270M model, so a
# request the user typed past stops within that, instead of after the whole prompt (seconds when cold).
EVAL_CHUNK = 64


def common_prefix(cached: Sequence[int], tokens: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    n = 0
    for a, b in zip(cached, tokens, strict=False):
        if a != b:
            break
        n += 1
    return n


def prompt_tokens(llm: Any, prompt: str) -> list[int]:
    """The token ids llama-cpp-python's create_completion would feed for `prompt` (BOS included if the model
    wants one), so the prompt can be evaluated here first, in cancellable chunks."""
    tokens: list[int] = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    cls, bos = llm._model.token_cls(), llm.token_bos()
    first = cls if cls != -1 else bos
    if llm._model.add_bos_token() and first != -1:
        tokens.insert(0, first)
    return tokens


def eval_prompt(llm: Any, tokens: Sequence[int], cancelled: Callable[[], bool], chunk: int = EVAL_CHUNK) -> tuple[
        int, int, bool]:
    """Evaluate the part of `tokens` not already in the KV cache, `chunk` tokens at a time, stopping when
    `cancelled()`; (evaluated, reused, cancelled). Afterwards create_completion(tokens) finds the whole prompt
    cached and samples at once; a cancelled prompt leaves its evaluated head cached for the next one."""
    if len(tokens) > llm.n_ctx():
        raise ValueError(f"Requested tokens ({len(tokens)}) exceed context window of {llm.n_ctx()}")
    cached = llm.input_ids[: llm.n_tokens]
    shared = common_prefix(cached, tokens)
    if shared == len(tokens) == llm.n_tokens and not llm._requires_eval:
        return 0, shared, False
    keep = min(shared, len(tokens) - 1)  # at least one token is evaluated, so its logits are fresh
    if not llm._ctx.kv_cache_seq_rm(-1, keep, -1):
        llm.reset()
        keep = 0
    llm.n_tokens = keep
    evaluated = 0
    for start in range(keep, len(tokens), chunk):
        if cancelled():
            return evaluated, keep, True
        batch = tokens[start : start + chunk]
        llm.eval(batch)
        evaluated += len(batch)
    return evaluated, keep, False


class LocalModel:
    """llama-cpp-python in process; implements models.base.Model."""

    def __init__(
        self,
        name: str,
        path: Path | Callable[[], Path],
        *,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        n_batch: int = 512,
        prompt_lookup: int = 0,
    ) -> None:
        self.name = name
        # Prompt-lookup speculative decoding: draft this many tokens copied from the prompt (0 = off). Copy-heavy
        # replies (region rewrites) decode faster; it costs logits for every token (bench/edit_speed.py).
        self._prompt_lookup = prompt_lookup
        self._path_source = path
        self._n_ctx = n_ctx
        self._n_threads = n_threads or max(1, min(os.cpu_count() or 2, 8))
        self._n_batch = n_batch
        self._llm: Any = None
        self._vocab: Any = None
        self._vocab_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._load_error: ModelError | None = None
        # One worker thread: generations queue up behind each other, and loading happens there too.
        # Its compute threads inherit the worker's lower priority: the editor's UI thread first (common/priority.py).
        self._worker = ThreadPoolExecutor(1, thread_name_prefix=f"llama-{name}", initializer=lower_priority)
        self._closed = False
        self.load = WorkerLoad()
        self.prompt_eval = PromptEval()

    # -- metadata --
    @property
    def path(self) -> Path:
        return self._path_source() if callable(self._path_source) else self._path_source

    def _vocab_model(self) -> Any:
        """A vocabulary-only handle (~0.1 s to open): counts tokens and reads metadata before the weights load."""
        with self._vocab_lock:
            if self._vocab is None:
                from llama_cpp import Llama

                _route_llama_logs()

                path = self.path
                if not path.is_file():
                    raise ModelError(f"model file not found: {path}")
                try:
                    self._vocab = Llama(str(path), vocab_only=True, verbose=False)
                except (ValueError, RuntimeError) as exc:
                    raise ModelError(f"cannot open {path.name} as a GGUF model: {exc}") from exc
            return self._vocab

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._vocab_model().metadata)

    # The file's metadata never changes: read once, not on every keystroke that asks for ghost text.
    @functools.cached_property
    def capabilities(self) -> Capabilities:
        meta = self.metadata
        arch = meta.get("general.architecture", "")
        return Capabilities(
            chat="tokenizer.chat_template" in meta,
            raw_completion=True,
            fim_format=detect_fim_format(self._count_special, arch),
        )

    @functools.cached_property
    def context_window(self) -> int:
        meta = self.metadata
        trained = int(meta.get(f"{meta.get('general.architecture', '')}.context_length", 0) or 0)
        return min(self._n_ctx, trained) if trained else self._n_ctx

    def _count_special(self, text: str) -> int:
        return len(self._vocab_model().tokenize(text.encode(), add_bos=False, special=True))

    def count_tokens(self, text: str) -> int:
        return len(self._vocab_model().tokenize(text.encode(), add_bos=False, special=False))

    # -- loading --
    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def _load(self) -> Any:
        with self._load_lock:
            if self._llm is not None:
                return self._llm
            if self._load_error is not None:
                raise self._load_error
            from llama_cpp import Llama

            path = self.path
            extra: dict[str, Any] = {}
            if self._prompt_lookup > 0:
                from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

                extra["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=self._prompt_lookup)
                # 0.3.36 sizes its logits buffer from the logits_all argument, not from the draft model that forces
                # it on: without this a prompt longer than n_batch fails ("could not broadcast ... into shape (0,)").
                extra["logits_all"] = True
            try:
                self._llm = Llama(
                    str(path),
                    n_ctx=self.context_window,
                    n_threads=self._n_threads,
                    n_batch=self._n_batch,
                    verbose=False,
                    **extra,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                self._load_error = ModelError(f"cannot load {path}: {exc}")
                raise self._load_error from exc
            return self._llm

    async def warm_up(self) -> None:
        """Load the weights on the worker thread; the caller's loop keeps running."""
        await asyncio.wrap_future(self._submit(self._load))

    def _submit(self, fn: Callable[[], Any]) -> Future[Any]:
        if self._closed:
            raise ModelError(f"model {self.name} is closed")
        return self._worker.submit(fn)

    # -- generation --
    def stream_completion(self, prompt: str, params: GenerationParams) -> ModelStream:
        def chunks(llm: Any, cancelled: Callable[[], bool]) -> Iterator[Any]:
            tokens = prompt_tokens(llm, prompt)
            evaluated, reused, stopped = eval_prompt(llm, tokens, cancelled)
            self.prompt_eval.record(evaluated, reused, stopped)
            if stopped:
                return iter(())
            return llm.create_completion(tokens, stream=True, **_sampling(params))

        return self._start(chunks, lambda c: c["choices"][0].get("text") or "", prompt_text=prompt)

    def stream_chat(self, messages: Sequence[ChatMessage], params: GenerationParams) -> ModelStream:
        payload = [{"role": m.role, "content": m.content} for m in messages]

        def chunks(llm: Any, cancelled: Callable[[], bool]) -> Iterator[Any]:
            if "tokenizer.chat_template" not in llm.metadata:
                raise ModelError(f"{self.name} is a base model without a chat template; choose a chat model")
            return llm.create_chat_completion(payload, stream=True, **_sampling(params))

        def delta(chunk: Any) -> str:
            return chunk["choices"][0].get("delta", {}).get("content") or ""

        return self._start(chunks, delta, prompt_text="".join(m.content for m in messages))

    def _start(
        self,
        open_chunks: Callable[[Any, Callable[[], bool]], Iterator[Any]],
        delta_of: Callable[[Any], str],
        prompt_text: str,
    ) -> ModelStream:
        cancel_flag = threading.Event()
        queued: list[Future[Any]] = []

        def cancel() -> None:
            cancel_flag.set()
            # Still queued behind another generation: drop it from the queue now, so a typing storm never
            # leaves a line of dead requests for the worker to step through.
            if queued and queued[0].cancel():
                self.load.withdrawn()
                stream.finish("cancelled")

        stream = ModelStream(loop=asyncio.get_running_loop(), on_cancel=cancel)

        def run() -> None:
            self.load.started()
            try:
                decode()
            finally:
                self.load.ended()

        def decode() -> None:
            if cancel_flag.is_set():  # cancelled while queued behind another generation
                stream.finish("cancelled")
                return
            produced = 0
            reason = "stop"
            try:
                llm = self._load()
                chunks = open_chunks(llm, cancel_flag.is_set)
                if cancel_flag.is_set():
                    reason = "cancelled"  # stopped between prompt-evaluation chunks
                try:
                    for chunk in chunks:
                        if cancel_flag.is_set():
                            reason = "cancelled"
                            break
                        text = delta_of(chunk)
                        if text:
                            stream.put(text)
                            produced += 1
                        finish = chunk["choices"][0].get("finish_reason")
                        if finish:
                            reason = finish
                finally:
                    close = getattr(chunks, "close", None)
                    if close is not None:
                        close()
            except ModelError as exc:
                stream.finish("error", error=exc)
                return
            except Exception as exc:  # llama.cpp raises plain ValueError/RuntimeError (e.g. prompt too long)
                stream.finish("error", error=ModelError(f"{self.name}: {exc}"))
                return
            usage = Usage(prompt_tokens=self.count_tokens(prompt_text), completion_tokens=produced)
            stream.finish(reason, usage)

        self.load.submitted()  # before the worker can start it
        try:
            queued.append(self._submit(run))
        except ModelError:
            self.load.withdrawn()
            raise
        return stream

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(None, self._worker.shutdown, True)
        for handle in (self._llm, self._vocab):
            if handle is not None:
                handle.close()
        self._llm = self._vocab = None


def _sampling(params: GenerationParams) -> dict[str, Any]:
    args: dict[str, Any] = {
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "stop": list(params.stop) or None,
    }
    if params.seed is not None:
        args["seed"] = params.seed
    return args
