"""Ghost text as a user meets it: time to the first visible suggestion and to the whole one, with the embedded
Gemma model, for a file opened cold versus one prefilled on open (the editor evaluates the file into the KV cache
while the user reads it). Same process, same positions, interleaved.
Usage: .venv/bin/python bench/ghost_latency.py [--positions N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.ghost import GhostTextRequest
from engine.session import Session


def positions(source: str, n: int) -> list[tuple[str, int, int]]:
    """Buffers as if the user had just typed a statement's first word on a new line inside the file."""
    lines = source.split("\n")
    candidates = [i for i, line in enumerate(lines) if line.startswith("    ") and line.strip() and i > 10]
    step = max(1, len(candidates) // n)
    out = []
    for i in candidates[::step][:n]:
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        typed = indent + "return "
        out.append(("\n".join([*lines[:i], typed, *lines[i:]]), i, len(typed)))
    return out


async def one(session: Session, source: str, text: str, line: int, column: int, prefill: bool) -> tuple[float, float]:
    session.cancel_ghost_text()
    if prefill:
        await session.prefill("textwrap.py", source, "python")
    first: list[float] = []
    start = time.perf_counter()
    await session.complete(
        GhostTextRequest("textwrap.py", text, line, column, "python"),
        on_partial=lambda _: first.append(time.perf_counter()) if not first else None,
    )
    end = time.perf_counter()
    return ((first[0] if first else end) - start) * 1000, (end - start) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=6)
    args = parser.parse_args()
    source = Path(textwrap.__file__).read_text()[:4000]
    with tempfile.TemporaryDirectory() as root:
        session = Session.open(Path(root), env={}, flags={"lsp.enabled": "false"})
        await session.model("completion").warm_up()
        results: dict[str, list[float]] = {k: [] for k in ("cold_first", "cold_whole", "warm_first", "warm_whole")}
        for n, (text, line, column) in enumerate(positions(source, args.positions)):
            for prefill in ((False, True) if n % 2 == 0 else (True, False)):
                # A unique first line makes the "cold" case share nothing with the previous prompt.
                marker = f"# session {n} {prefill}\n"
                first, whole = await one(session, marker + source, marker + text, line + 1, column, prefill)
                key = "warm" if prefill else "cold"
                results[f"{key}_first"].append(first)
                results[f"{key}_whole"].append(whole)
        await session.aclose()
    med = {k: round(statistics.median(v), 1) for k, v in results.items()}
    print(json.dumps({
        "positions": args.positions,
        "file_chars": len(source),
        "cold_first_suggestion_ms_p50": med["cold_first"],
        "cold_whole_suggestion_ms_p50": med["cold_whole"],
        "prefilled_first_suggestion_ms_p50": med["warm_first"],
        "prefilled_whole_suggestion_ms_p50": med["warm_whole"],
        "first_suggestion_speedup": round(med["cold_first"] / med["warm_first"], 2),
    }))


if __name__ == "__main__":
    asyncio.run(main())
