"""caret's local model stream vs a bare llama_cpp call, same prompts, same process, interleaved.

Measures time to first token and decode tokens/s, cold (no prefix shared with the previous prompt) and warm
(only the tail changed, as with consecutive keystrokes). Goal: caret within 5% of bare llama.cpp.
Usage: .venv/bin/python bench/model_overhead.py [--reps N] [--model gemma-3-270m|smollm2-135m-instruct]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.base import GenerationParams
from models.embedded import embedded_path
from models.local import LocalModel

MAX_TOKENS = 32


def base_prompt() -> str:
    """About 480 tokens of real code: the head of the stdlib's textwrap module."""
    import textwrap

    source = Path(textwrap.__file__).read_text()
    return source[:1800]


def prompt_pair(i: int, base: str) -> tuple[str, str]:
    """A cold prompt (unique first line, so nothing is shared with the previous one) and a warm follow-up
    that differs only in its last characters."""
    cold = f"# request {i} {os.urandom(4).hex()}\n{base}"
    warm = cold + f"\n# edit {i}\n"
    return cold, warm


class StreamTimer:
    """Time to the first non-empty delta, and decode speed over the rest."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: float | None = None
        self.count = 0

    def tick(self, text: str) -> None:
        if text:
            self.count += 1
            if self.first is None:
                self.first = time.perf_counter()

    def result(self) -> tuple[float, float]:
        end = time.perf_counter()
        assert self.first is not None, "the model produced no text"
        return (self.first - self.start) * 1000, (self.count - 1) / max(end - self.first, 1e-9)


def bare_run(llm: object, prompt: str) -> tuple[float, float]:
    timer = StreamTimer()
    for chunk in llm.create_completion(  # type: ignore[attr-defined]
        prompt, max_tokens=MAX_TOKENS, temperature=0.0, top_p=0.95, stream=True
    ):
        timer.tick(chunk["choices"][0]["text"])
    return timer.result()


async def caret_run(model: LocalModel, prompt: str) -> tuple[float, float]:
    timer = StreamTimer()
    async for delta in model.stream_completion(prompt, GenerationParams(max_tokens=MAX_TOKENS, temperature=0.0)):
        timer.tick(delta)
    return timer.result()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument("--model", default="gemma-3-270m")
    args = parser.parse_args()

    from llama_cpp import Llama

    path = embedded_path(args.model)
    threads = max(1, min(os.cpu_count() or 2, 8))
    caret = LocalModel(args.model, path, n_ctx=4096, n_threads=threads)
    await caret.warm_up()
    bare = Llama(str(path), n_ctx=caret.context_window, n_threads=threads, n_batch=512, verbose=False)
    base = base_prompt()
    prompt_tokens = caret.count_tokens(prompt_pair(0, base)[0])

    results: dict[str, list[float]] = {k: [] for k in (
        "caret_cold_ttft", "bare_cold_ttft", "caret_warm_ttft", "bare_warm_ttft", "caret_tps", "bare_tps")}
    # Warm both up once so neither pays first-call costs inside the measurements.
    bare_run(bare, prompt_pair(-1, base)[0])
    await caret_run(caret, prompt_pair(-2, base)[0])
    for i in range(args.reps):
        order = ("caret", "bare") if i % 2 == 0 else ("bare", "caret")
        for who in order:
            cold, warm = prompt_pair(i * 2 + (who == "bare"), base)
            if who == "caret":
                t_cold, tps = await caret_run(caret, cold)
                t_warm, _ = await caret_run(caret, warm)
            else:
                t_cold, tps = bare_run(bare, cold)
                t_warm, _ = bare_run(bare, warm)
            results[f"{who}_cold_ttft"].append(t_cold)
            results[f"{who}_warm_ttft"].append(t_warm)
            results[f"{who}_tps"].append(tps)
    await caret.aclose()
    bare.close()

    med = {k: statistics.median(v) for k, v in results.items()}
    summary = {
        "model": args.model,
        "prompt_tokens": prompt_tokens,
        "reps": args.reps,
        "threads": threads,
        "caret_cold_ttft_ms_p50": round(med["caret_cold_ttft"], 1),
        "bare_cold_ttft_ms_p50": round(med["bare_cold_ttft"], 1),
        "caret_warm_ttft_ms_p50": round(med["caret_warm_ttft"], 1),
        "bare_warm_ttft_ms_p50": round(med["bare_warm_ttft"], 1),
        "caret_decode_tok_per_s_p50": round(med["caret_tps"], 1),
        "bare_decode_tok_per_s_p50": round(med["bare_tps"], 1),
        "cold_ttft_ratio": round(med["caret_cold_ttft"] / med["bare_cold_ttft"], 3),
        "warm_ttft_ratio": round(med["caret_warm_ttft"] / med["bare_warm_ttft"], 3),
        "decode_speed_ratio": round(med["caret_tps"] / med["bare_tps"], 3),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
