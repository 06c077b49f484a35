"""`caret bench-completions [PATH]`: measure ghost text on your own code, so you can choose a model with numbers.

Masks spans of the workspace's Python files under PATH (the rest of a line after `(`, `= `, `return `; short block
bodies), asks caret's pipeline and the same model given only the text before the cursor, and prints exact match,
first-8-characters match and edit similarity for each. Secret and ignored files are never read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from cli.common import fail, open_session, print_problems
from engine.errors import ConfigError, ModelError, WorkspaceError
from engine.ghost.quality import find_sites, measure, sample_sites


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret bench-completions` to the command parsers."""
    parser = sub.add_parser("bench-completions", help="measure ghost-text quality on this repository's code")
    parser.add_argument("path", nargs="?", default=None, help="folder or file inside the workspace (default: all)")
    parser.add_argument("--n", type=int, default=40, help="masked sites to ask for (default 40)")
    parser.add_argument("--seed", type=int, default=11, help="site sampling seed (default 11)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _progress(who: str, done: int, total: int) -> None:
    if done % 10 == 0:
        print(f"{who}: {done}/{total} sites", file=sys.stderr)


def _table(report: dict[str, object]) -> str:
    rows = [f"model {report['model']}, prompt budget {report['budget_tokens']} tokens, {report['sites']} sites",
            f"{'':14}{'exact':>8}{'first 8':>9}{'similar':>9}{'p50 ms':>9}"]
    for label, key in (("caret", "caret"), ("model alone", "alone")):
        s = report[key]
        assert isinstance(s, dict)
        rows.append(f"{label:14}{s['exact_pct']:>7}%{s['first8_pct']:>8}%{s['similarity_pct']:>8}%{s['ms_p50']:>9}")
    rows.append(f"exact match, caret / model alone: {report['ratio_exact']}")
    return "\n".join(rows)


async def _bench(args: argparse.Namespace) -> int:
    session = open_session(args)
    print_problems(session)
    try:
        scope = session.relative_path(Path(args.path).resolve()) if args.path else ""
        files = [rel for rel in session.workspace_files()
                 if rel.endswith(".py") and (not scope or scope == "." or rel == scope or rel.startswith(scope + "/"))]
        sites = []
        for rel in files:
            try:
                sites += find_sites(rel, (session.root / rel).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
        if not sites:
            return fail(f"{args.path or session.root}: no Python code to measure")
        chosen = sample_sites(sites, args.n, args.seed)
        report = await measure(session, chosen, progress=None if args.json else _progress)
    finally:
        await session.aclose()
    print(json.dumps(report) if args.json else _table(report))
    return 0


def run(args: argparse.Namespace) -> int:
    """Measure and print; exit 2 with one stderr line when there is nothing to measure, 1 when the model fails."""
    try:
        return asyncio.run(_bench(args))
    except ModelError as exc:
        return fail(str(exc), 1)
    except (WorkspaceError, ConfigError) as exc:
        return fail(str(exc))
