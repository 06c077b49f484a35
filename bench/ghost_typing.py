"""Ghost text while typing: real standard-library files, a span of lines deleted (a function body, a block in the
middle, lines at the end) and typed back character by character at 8-10 characters/s, with the configured
debounce, new lines and the editor's auto-indent (a new line keeps the previous line's indentation; the typist
adds or deletes spaces to reach the original's). The same engine path as the TUI and `caret lsp`
(Session.complete, the embedded model), no UI. Per request: debounce end -> first visible suggestion and -> whole
one, prompt tokens evaluated (not reused from the KV cache), cancelled or not.

Usage: .venv/bin/python bench/ghost_typing.py [--quick] [--layout anchored|blocks|sliding] [--chars N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.ghost import GhostText, GhostTextRequest, GhostTextService
from engine.ghost.prompt import LAYOUTS, prompt_builder
from engine.session import Session
from models.local import LocalModel

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ("string.py", "json/decoder.py", "shlex.py", "textwrap.py", "fractions.py", "dataclasses.py")
QUICK_FILES = ("json/decoder.py", "textwrap.py", "fractions.py")
LINE_END_PAUSE_S = 0.8  # a typist looks at the suggestion before pressing Enter


@dataclass
class Sample:
    file: str
    lines: int
    span: str
    first_ms: float | None = None  # first visible suggestion; None if none was shown
    whole_ms: float | None = None  # the answer (shown or empty); None if cancelled first
    evaluated: int | None = None  # prompt tokens evaluated for this request (None: never reached the model)
    reused: int | None = None
    cancelled: bool = False


@dataclass
class Typist:
    """What editor/app.py does per keystroke: cancel, restart the debounce, ask when it fires."""

    session: Session
    model: LocalModel
    path: str
    lines: int
    span: str
    debounce_s: float
    samples: list[Sample] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None
    fetch: asyncio.Task[None] | None = None

    def key(self, text: str, line: int, column: int) -> None:
        self.session.cancel_ghost_text()
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(self.debounce_s, self.request, text, line, column)

    def request(self, text: str, line: int, column: int) -> None:
        self.session.buffer_changed(self.path, text)
        if self.fetch is not None and not self.fetch.done():
            self.fetch.cancel()
        self.fetch = asyncio.create_task(self.one(GhostTextRequest(self.path, text, line, column, "python")))

    async def one(self, request: GhostTextRequest) -> None:
        sample = Sample(self.path, self.lines, self.span)
        self.samples.append(sample)
        seen = self.model.prompt_eval.prompts
        start = time.perf_counter()

        def partial(text: str) -> None:
            if text and sample.first_ms is None:
                sample.first_ms = (time.perf_counter() - start) * 1000

        result: GhostText | None = None
        try:
            result = await self.session.complete(request, on_partial=partial)
        except asyncio.CancelledError:
            sample.cancelled = True
        finally:
            if self.model.prompt_eval.prompts > seen:
                sample.evaluated = self.model.prompt_eval.evaluated
                sample.reused = self.model.prompt_eval.reused
        if result is not None:
            if result.finish_reason == "cancelled" and not result.text:
                sample.cancelled = True
            else:
                sample.whole_ms = (time.perf_counter() - start) * 1000
                if result.text and sample.first_ms is None:
                    sample.first_ms = sample.whole_ms  # cache hits answer without a partial


def spans(lines: list[str]) -> list[tuple[str, int, int]]:
    """(kind, first, end) of the lines to delete: a function body, a block in the middle, the last lines."""
    n = len(lines)
    out: list[tuple[str, int, int]] = []
    defs = [i for i, line in enumerate(lines) if line.lstrip().startswith("def ") and n // 3 < i < 2 * n // 3]
    if defs:
        d = defs[0]
        indent = len(lines[d]) - len(lines[d].lstrip())
        end = d + 1
        while end < n and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        out.append(("body", d + 1, end))
    mid = n // 2
    while mid < n and not lines[mid].strip():
        mid += 1
    out.append(("middle", mid, min(n, mid + 12)))
    end = n
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    out.append(("end", max(0, end - 15), end))
    return out


def keystrokes(span_lines: list[str], limit: int) -> list[str]:
    """Keys to type `span_lines` back into an editor that auto-indents: characters, "\\n", and "\\b"."""
    keys: list[str] = []
    indent = None
    for line in span_lines:
        want = len(line) - len(line.lstrip())
        if indent is not None:
            keys.append("\n")
            keys += ["\b"] * max(0, indent - want) if line.strip() else ["\b"] * indent
        have = 0 if indent is None else min(indent, want)
        keys += list(line[have:]) if line.strip() else []
        indent = want if line.strip() else 0
        if len(keys) >= limit:
            break
    return keys[:limit]


async def type_span(typist: Typist, before: list[str], after: list[str], keys: list[str], rng: random.Random) -> None:
    """Type `keys` at the start of an empty line between `before` and `after`, at 8-10 characters/s."""
    current = ""
    done: list[str] = []
    for key in keys:
        if key == "\n":
            await asyncio.sleep(LINE_END_PAUSE_S)
            done.append(current)
            indent = len(current) - len(current.lstrip())
            current = current[:indent] if current.strip() else current  # auto-indent keeps the indentation
        elif key == "\b":
            current = current[:-1]
        else:
            current += key
        text = "\n".join([*before, *done, current, *after])
        typist.key(text, len(before) + len(done), len(current))
        await asyncio.sleep(1 / rng.uniform(8, 10))
    await asyncio.sleep(LINE_END_PAUSE_S)
    if typist.fetch is not None:
        await asyncio.gather(typist.fetch, return_exceptions=True)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def summary(samples: list[Sample]) -> dict[str, object]:
    first = [s.first_ms for s in samples if s.first_ms is not None]
    answered = [s.whole_ms for s in samples if s.whole_ms is not None]
    evaluated = [float(s.evaluated) for s in samples if s.evaluated is not None]
    return {
        "requests": len(samples),
        "cancelled": sum(s.cancelled for s in samples),
        "shown": len(first),
        "p50_ms": pct(first, 0.5),
        "p95_ms": pct(first, 0.95),
        "whole_p50_ms": pct(answered, 0.5),
        "whole_p95_ms": pct(answered, 0.95),
        "evaluated_tokens_p50": statistics.median(evaluated) if evaluated else None,
        "evaluated_tokens_p95": pct(evaluated, 0.95),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3 files, body and end spans, 60 keys each")
    parser.add_argument("--layout", choices=LAYOUTS, default="anchored")
    parser.add_argument("--chars", type=int, default=0, help="keys typed per span (default 160, quick 60)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    limit = args.chars or (60 if args.quick else 160)
    all_samples: list[Sample] = []
    with tempfile.TemporaryDirectory() as root:
        session = Session.open(Path(root), env={}, flags={"lsp.enabled": "false"})
        model = session.model("completion")
        assert isinstance(model, LocalModel), "the bench measures the embedded model"
        await model.warm_up()
        cfg = session.config
        # The same service Session wires, with the layout chosen here (a bench may reach inside).
        session._ghost = GhostTextService(
            model=lambda: model,
            build_prompt=prompt_builder(session._project, lambda: None, budget_tokens=cfg["completion.prompt_tokens"],
                                        lsp_budget_s=0.05, layout=args.layout),
            max_tokens=cfg["completion.max_tokens"], multiline=cfg["completion.multiline"],
        )
        for name in QUICK_FILES if args.quick else FILES:
            source = (STDLIB / name).read_text()
            lines = source.split("\n")
            for kind, first, end in spans(lines):
                if args.quick and kind == "middle":
                    continue
                rel = name.replace("/", "_")
                before, removed, after = lines[:first], lines[first:end], lines[end:]
                await session.prefill(rel, "\n".join([*before, "", *after]), "python")  # the file was open
                typist = Typist(session, model, rel, len(lines), kind, cfg["completion.debounce_ms"] / 1000)
                await type_span(typist, before, after, keystrokes(removed, limit), rng)
                all_samples += typist.samples
                print(json.dumps({"file": name, "lines": len(lines), "span": kind, **summary(typist.samples)}),
                      file=sys.stderr)
        await session.aclose()
    by_size = {}
    for label, lo, hi in (("small_<500", 0, 500), ("medium_500-1000", 500, 1000), ("large_>1000", 1000, 10**6)):
        group = [s for s in all_samples if lo <= s.lines < hi]
        if group:
            by_size[label] = {k: v for k, v in summary(group).items() if k in ("requests", "p50_ms", "p95_ms")}
    print(json.dumps({"layout": args.layout, "quick": args.quick, "keys_per_span": limit, **summary(all_samples),
                      "by_file_size": by_size}))


if __name__ == "__main__":
    asyncio.run(main())
