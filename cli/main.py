"""The headless commands: `caret chat|edit|complete|apply|index|config|doctor ...`."""

from __future__ import annotations

import argparse

from cli import (
    apply_cmd,
    bench_completions_cmd,
    chat_cmd,
    complete_cmd,
    config_cmd,
    doctor_cmd,
    edit_cmd,
    index_cmd,
    stats_cmd,
)
from cli.common import EXIT_INTERRUPTED, add_session_flags, fail

COMMANDS = {
    "apply": apply_cmd, "chat": chat_cmd, "complete": complete_cmd, "config": config_cmd, "edit": edit_cmd,
    "doctor": doctor_cmd, "index": index_cmd,
    "bench-completions": bench_completions_cmd, "stats": stats_cmd,
}


def build_parser() -> argparse.ArgumentParser:
    """The `caret` argument parser with every headless command."""
    parser = argparse.ArgumentParser(
        prog="caret",
        description="AI-first code editor for the terminal. `caret [PATH]` opens the editor; "
        "`caret lsp` serves editors over stdio; the commands below run headless.",
    )
    add_session_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        add_session_flags(module.add_parser(sub))
    lsp = sub.add_parser("lsp", help="run caret as a language server on stdio")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="serve one client over TCP instead of stdio (debugging)")
    add_session_flags(lsp)
    return parser


def run_command(argv: list[str]) -> int:
    """Run one headless command; the exit status (0 ok, 1 the model or an edit failed, 2 usage or input error,
    130 interrupted)."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    try:
        return COMMANDS[args.command].run(args)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
