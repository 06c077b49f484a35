"""A ghost-text storm: typing at ~20 keys/s through the engine's ghost path, the way the TUI drives it.

Each key updates the buffer and cancels the request in flight; after the debounce (completion.debounce_ms) a new
request starts and the one before it is cancelled (the TUI's exclusive worker). Keys come in bursts with short
pauses, like a person typing, averaging 20 keys/s. The completion model is the embedded Gemma on llama.cpp.

Measured: the most generations decoding at once and queued behind it on the model's worker, the most ghost
requests alive at once, requests started / completed / cancelled, and the process's RSS before and after.
Usage: .venv/bin/python bench/ghost_storm.py [--seconds 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.ghost import GhostText, GhostTextRequest
from engine.session import Session
from models.local import LocalModel

TYPED = '''
    def describe(self, width):
        """Wrap every paragraph of the text to width columns."""
        lines = []
        for paragraph in self.text.split("\\n\\n"):
            lines.extend(textwrap.wrap(paragraph, width))
        return "\\n".join(lines)
'''


def rss_mb() -> float:
    """This process's resident memory, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def key_gap(rng: random.Random) -> float:
    """Seconds until the next key: bursts of 10-70 ms with a ~250 ms pause about every 20th key (mean ~50 ms)."""
    if rng.random() < 0.05:
        return rng.uniform(0.15, 0.35)
    return rng.uniform(0.01, 0.07)


class Storm:
    """The TUI's ghost-text driving, without the screen: debounce, cancel, one exclusive fetch task."""

    def __init__(self, session: Session, path: str, debounce_s: float) -> None:
        self.session, self.path, self.debounce_s = session, path, debounce_s
        self.timer: asyncio.TimerHandle | None = None
        self.fetch: asyncio.Task[GhostText] | None = None
        self.alive = self.max_alive = 0
        self.started = self.completed = self.cancelled = self.shown = 0
        self.errors: list[str] = []

    def key(self, text: str, line: int, column: int) -> None:
        """One keystroke: what CodeView.UserEdited does in editor/app.py."""
        self.session.cancel_ghost_text()
        if self.timer is not None:
            self.timer.cancel()
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(self.debounce_s, self.request, text, line, column)

    def request(self, text: str, line: int, column: int) -> None:
        self.session.buffer_changed(self.path, text)
        if self.fetch is not None and not self.fetch.done():
            self.fetch.cancel()  # @work(exclusive=True) cancels the previous worker
        self.fetch = asyncio.create_task(self.one(GhostTextRequest(self.path, text, line, column, "python")))

    async def one(self, request: GhostTextRequest) -> GhostText:
        self.started += 1
        self.alive += 1
        self.max_alive = max(self.max_alive, self.alive)
        try:
            result = await self.session.complete(request)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.alive -= 1
        # A suggestion cut short by the post-processor stops decoding too, but it is an answer, not a cancellation.
        if result.finish_reason == "cancelled" and not result.text:
            self.cancelled += 1
        else:
            self.completed += 1
            self.shown += bool(result.text)
        return result


async def storm(seconds: float, seed: int) -> dict[str, float | int | str]:
    rng = random.Random(seed)
    source = Path(textwrap.__file__).read_text()[:3000]
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "wrap.py").write_text(source)
        session = Session.open(Path(root), env={}, flags={"lsp.enabled": "false"})
        model = session.model("completion")
        assert isinstance(model, LocalModel)
        await model.warm_up()
        await session.prefill("wrap.py", source, "python")
        rss_before = rss_mb()
        debounce_s = session.config["completion.debounce_ms"] / 1000
        driver = Storm(session, "wrap.py", debounce_s)
        buffer, keys = source, 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            for char in TYPED:
                if time.perf_counter() - started >= seconds:
                    break
                buffer += char
                lines = buffer.split("\n")
                driver.key(buffer, len(lines) - 1, len(lines[-1]))
                keys += 1
                await asyncio.sleep(key_gap(rng))
            buffer = source  # start the snippet again from the file as it was
        typed_s = time.perf_counter() - started
        await asyncio.sleep(debounce_s + 0.05)
        if driver.fetch is not None:
            await asyncio.gather(driver.fetch, return_exceptions=True)
        for _ in range(100):  # the worker counts a generation ended just after its stream finished
            if model.load.queued + model.load.decoding == 0:
                break
            await asyncio.sleep(0.01)
        rss_after = rss_mb()
        load = model.load
        summary: dict[str, float | int | str] = {
            "seconds": round(typed_s, 1),
            "keys": keys,
            "keys_per_s": round(keys / typed_s, 1),
            "debounce_ms": round(debounce_s * 1000),
            "requests_started": driver.started,
            "requests_completed": driver.completed,
            "suggestions_shown": driver.shown,
            "requests_cancelled": driver.cancelled,
            "max_requests_alive": driver.max_alive,
            "max_generations_decoding": load.max_decoding,
            "max_generations_queued": load.max_queued,
            "generations_run": load.finished,
            "generations_left": load.queued + load.decoding,
            "errors": len(driver.errors),
            "rss_before_mb": round(rss_before, 1),
            "rss_after_mb": round(rss_after, 1),
        }
        if driver.errors:
            summary["first_error"] = driver.errors[0]
        await session.aclose()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(storm(args.seconds, args.seed))))


if __name__ == "__main__":
    main()
