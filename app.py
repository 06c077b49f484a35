"""caret's entry point: routes argv to the terminal IDE (default), the language server, or a headless command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import add_session_flags, fail, open_session
from cli.main import COMMANDS, build_parser, run_command
from engine.errors import ConfigError


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


def run_lsp(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        session = open_session(args)
    except ConfigError as exc:
        return fail(str(exc))
    from lsp.server import serve

    return serve(session, tcp=args.tcp)


def route(argv: list[str]) -> int:
    if argv and argv[0] == "lsp":
        return run_lsp(argv)
    if argv and argv[0] in {*COMMANDS, "-h", "--help"}:
        return run_command(argv)
    return run_tui(argv)


def main() -> None:
    sys.exit(route(sys.argv[1:]))


if __name__ == "__main__":
    main()
