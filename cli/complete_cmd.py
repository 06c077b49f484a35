"""`caret complete FILE:LINE:COL`: print the ghost text the editor would show there (1-based line and column).

A cold process has no KV cache to reuse: every prompt token is evaluated before the first answer token, so unless
the user configured them (or passed the flags), a cold call uses a smaller prompt (COLD_PROMPT_TOKENS), decodes
fewer tokens (COLD_MAX_TOKENS), and starts no language server (a cold one never answers within ghost text's
`lsp.ghost_budget_ms`, and starting it takes CPU from the model); the weights load while the prompt is built.
bench/RESULTS.md says what it costs in quality."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from cli.common import EXIT_FAILED, fail, open_session, plain, print_problems, session_flags
from engine.config import load_config
from engine.errors import ConfigError, FileError, ModelError, WorkspaceError
from engine.files import read_document
from engine.ghost import GhostTextRequest
from engine.languages import language_for

COLD_PROMPT_TOKENS = 512  # p50 1.77 s wall cold on 2 quiet cores (768: 2.37-2.82 s); bench/RESULTS.md
COLD_MAX_TOKENS = 24


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret complete` to the command parsers."""
    parser = sub.add_parser("complete", help="print a ghost-text completion at FILE:LINE:COL (1-based)")
    parser.add_argument("location", help="FILE:LINE:COL; the column may be omitted (end of line)")
    parser.add_argument("--json", action="store_true", help="print a JSON object with timings and the prompt")
    parser.add_argument("--budget", type=int, default=None, metavar="TOKENS",
                        help=f"prompt budget (default: completion.prompt_tokens when set, else {COLD_PROMPT_TOKENS})")
    parser.add_argument("--max-tokens", type=int, default=None, metavar="N",
                        help=f"longest completion (default: completion.max_tokens when set, else {COLD_MAX_TOKENS})")
    parser.add_argument("--lsp", action="store_true", help="ask the language server for definitions (slower cold)")
    return parser


def cold_settings(args: argparse.Namespace) -> list[str]:
    """The `--set` overrides for this one-shot process: the flags given, else the cold defaults for what the
    user's configuration leaves at its default (prompt budget, max tokens, no language server)."""
    root = (args.workspace or Path.cwd()).resolve()
    sources = load_config(root, flags=session_flags(args)).sources
    out: list[str] = []
    if args.budget is not None or sources["completion.prompt_tokens"] == "default":
        out.append(f"completion.prompt_tokens={COLD_PROMPT_TOKENS if args.budget is None else max(128, args.budget)}")
    if args.max_tokens is not None or sources["completion.max_tokens"] == "default":
        out.append(f"completion.max_tokens={COLD_MAX_TOKENS if args.max_tokens is None else max(1, args.max_tokens)}")
    if args.lsp:
        out.append("lsp.enabled=true")
    elif sources["lsp.enabled"] == "default":
        out.append("lsp.enabled=false")
    return out


def parse_location(location: str) -> tuple[Path, int | None, int | None]:
    """(path, line, column) of FILE:LINE:COL, 1-based, line and column optional; ValueError for 0 or less."""
    parts = location.rsplit(":", 2)
    numbers: list[int] = []
    while len(parts) > 1 and parts[-1].isdigit() and len(numbers) < 2:
        numbers.insert(0, int(parts.pop()))
    path = Path(":".join(parts))
    line = numbers[0] if numbers else None
    column = numbers[1] if len(numbers) > 1 else None
    if (line is not None and line < 1) or (column is not None and column < 1):
        raise ValueError(f"{location}: line and column start at 1")
    return path, line, column


async def _complete(args: argparse.Namespace) -> int:
    try:
        path, line, column = parse_location(args.location)
    except ValueError as exc:
        return fail(str(exc))
    args.set = [*args.set, *cold_settings(args)]
    session = open_session(args)
    print_problems(session)
    try:
        if session.model_spec("completion").provider == "local":
            session.warm_up("completion")  # the weights load on the model's thread while this one builds the prompt
        full = path if path.is_absolute() else Path.cwd() / path
        rel = session.relative_path(full)
        opened = read_document(full)
        if opened.snapshot is None:
            return fail(f"{path}: no such file")
        lines = opened.text.split("\n")
        row = (line or len(lines)) - 1
        if row >= len(lines):
            return fail(f"{path}: line {row + 1} is past the end ({len(lines)} lines)")
        col = len(lines[row]) if column is None else min(column - 1, len(lines[row]))
        request = GhostTextRequest(rel, opened.text, row, col, language_for(full, lines[0]))
        result = await session.complete(request)
    finally:
        await session.aclose()
    if result.withheld:
        print(f"caret: {rel}: {result.withheld}", file=sys.stderr)
    if args.json:
        print(json.dumps({"path": rel, "line": row + 1, "column": col + 1, "completion": result.text,
                          "raw": result.raw, "elapsed_ms": round(result.elapsed_ms, 1),
                          "prompt_tokens": result.prompt_tokens, "finish_reason": result.finish_reason,
                          "withheld": result.withheld}))
    else:
        print(plain(result.text))
    return 0


def run(args: argparse.Namespace) -> int:
    """Print the ghost text at the location; exit 1 when the model fails, 2 for bad input (one stderr line)."""
    try:
        return asyncio.run(_complete(args))
    except ModelError as exc:
        return fail(str(exc), EXIT_FAILED)
    except (FileError, WorkspaceError, ConfigError) as exc:
        return fail(str(exc))
