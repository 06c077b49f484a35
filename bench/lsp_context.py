"""Time to gather definition context from jedi-language-server at cursor positions in a real project.

The project is a copy of the stdlib's json/, http/ and email/ packages in a temp dir. Figures:
- cold: the first definition_context call, server start included;
- warm (uncached): ~50 cursor positions, each waiting for every answer (large budget);
- cached: the same positions again (pool cache hits by uri, version, position);
- ghost: another ~50 fresh positions under the 50 ms ghost-text budget: wall time, and the share of
  the full answer's items that arrived within the budget.

Run: .venv/bin/python bench/lsp_context.py   (last line: one JSON object)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.definitions import definition_context
from lsp.client import LanguageServerPool, ServerSpec

PACKAGES = ("json", "http", "email")
POSITIONS = 50
GHOST_BUDGET_S = 0.05
FULL_BUDGET_S = 30.0


def copy_project(into: Path) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for package in PACKAGES:
        shutil.copytree(stdlib / package, into / package, ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(into.rglob("*.py"))


def cursor_positions(files: list[Path], count: int, offset: int) -> list[tuple[Path, int]]:
    """Lines inside function bodies that call something, spread over the files (every k-th such line)."""
    candidates: list[tuple[Path, int]] = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
            stripped = line.strip()
            if line.startswith("        ") and "(" in stripped and not stripped.startswith(("#", "def ", '"')):
                candidates.append((path, number))
    step = max(1, len(candidates) // (2 * count))
    return candidates[offset::step][:count]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def gather(pool: LanguageServerPool, path: Path, line: int, budget_s: float) -> tuple[float, int]:
    """(milliseconds, items) for one definition_context call; the file is read before the clock starts."""
    text = path.read_text(encoding="utf-8", errors="replace")
    started = time.perf_counter()
    items = await definition_context(pool, str(path), text, "python", line, budget_s=budget_s)
    return (time.perf_counter() - started) * 1000, len(items)


async def measure(
    pool: LanguageServerPool, positions: list[tuple[Path, int]], budget_s: float
) -> list[tuple[float, int]]:
    return [await gather(pool, path, line, budget_s) for path, line in positions]


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="caret-lsp-bench-") as tmp:
        root = Path(tmp)
        files = copy_project(root)
        warm_positions = cursor_positions(files, POSITIONS, 0)
        ghost_positions = cursor_positions(files, POSITIONS, 1)
        spec = ServerSpec("python", "jedi-language-server", file_extensions=(".py",), display_language="Python")
        pool = LanguageServerPool(root, [spec])
        try:
            cold_ms, _ = await gather(pool, *warm_positions[0], FULL_BUDGET_S)
            warm = await measure(pool, warm_positions[1:], FULL_BUDGET_S)
            cached = await measure(pool, warm_positions[1:], FULL_BUDGET_S)
            ghost = await measure(pool, ghost_positions, GHOST_BUDGET_S)
            # What the ghost calls would have had with all answers (their late answers are cached by now).
            await asyncio.sleep(2.0)
            complete = await measure(pool, ghost_positions, FULL_BUDGET_S)
        finally:
            await pool.close()
    warm_ms = [ms for ms, _ in warm]
    cached_ms = [ms for ms, _ in cached]
    ghost_ms = [ms for ms, _ in ghost]
    ghost_items = sum(n for _, n in ghost)
    complete_items = sum(n for _, n in complete)
    summary = {
        "server": "jedi-language-server",
        "project_files": len(files),
        "positions": len(warm_positions),
        "cold_ms": round(cold_ms, 1),
        "warm_ms_p50": round(statistics.median(warm_ms), 1),
        "warm_ms_p95": round(percentile(warm_ms, 0.95), 1),
        "cached_ms_p50": round(statistics.median(cached_ms), 2),
        "cached_ms_p95": round(percentile(cached_ms, 0.95), 2),
        "ghost_budget_ms": GHOST_BUDGET_S * 1000,
        "ghost_ms_p50": round(statistics.median(ghost_ms), 1),
        "ghost_ms_p95": round(percentile(ghost_ms, 0.95), 1),
        "ghost_items_ratio": round(ghost_items / complete_items, 3) if complete_items else None,
        "items_per_position_mean": round(statistics.mean(n for _, n in warm), 2),
        "cpus": os.cpu_count(),
    }
    print(f"project: {len(files)} files from the stdlib's {', '.join(PACKAGES)}", file=sys.stderr)
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
