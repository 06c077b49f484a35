"""Routes argv to a front-end: the TUI (default), `lsp`, or a headless command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import complete_cmd, config_cmd
from cli.common import add_session_flags, fail, open_session
from engine.config import ConfigError

COMMANDS = {"complete": complete_cmd, "config": config_cmd}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caret",
        description="AI-first code editor for the terminal. `caret [PATH]` opens the editor.",
    )
    add_session_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        add_session_flags(module.add_parser(sub))
    lsp = sub.add_parser("lsp", help="run caret as a language server on stdio")
    add_session_flags(lsp)
    return parser


def run_tui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="caret", description="Open the terminal IDE on PATH (default: .)")
    parser.add_argument("path", nargs="?", type=Path, default=Path.cwd())
    add_session_flags(parser)
    args = parser.parse_args(argv)
    target: Path = args.path.resolve()
    if not target.exists() and not target.parent.is_dir():
        return fail(f"{args.path}: no such file or folder")
    root = target if target.is_dir() else target.parent
    try:
        session = open_session(args, default_root=root)
    except ConfigError as exc:
        return fail(str(exc))
    from editor.app import CaretApp

    CaretApp(session, open_path=None if target.is_dir() else target).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {*COMMANDS, "lsp", "-h", "--help"}:
        return run_tui(argv)
    args = build_parser().parse_args(argv)
    if args.command == "lsp":
        try:
            session = open_session(args)
        except ConfigError as exc:
            return fail(str(exc))
        from lsp.server import serve

        return serve(session)
    return COMMANDS[args.command].run(args)
