"""Flags every command shares, turning them into a Session, and reporting what goes wrong on stderr."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from engine.config import ConfigError, parse_set_flags
from engine.events import Event, describe, is_problem
from engine.session import Session


def add_session_flags(parser: argparse.ArgumentParser) -> None:
    """The model and workspace flags every command takes."""
    group = parser.add_argument_group("model and workspace")
    group.add_argument("-w", "--workspace", type=Path, default=None, help="workspace folder (default: cwd)")
    group.add_argument("--provider", choices=("local", "openai"), help="where chat and edit models run")
    group.add_argument("--model", help="chat/edit model: embedded name, GGUF path, or remote model id")
    group.add_argument("--completion-model", help="ghost-text model: embedded name, GGUF path, or model id")
    group.add_argument("--base-url", help="OpenAI-compatible server for every role, e.g. http://host:8000/v1")
    group.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any config key")


def session_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The flags as config keys, for Session.open."""
    flags: dict[str, Any] = parse_set_flags(args.set)
    if args.provider:
        flags["models.chat.provider"] = flags["models.edit.provider"] = args.provider
    if args.model:
        flags["models.chat.model"] = flags["models.edit.model"] = args.model
    if args.completion_model:
        flags["models.completion.model"] = args.completion_model
    if args.base_url:
        for role in ("chat", "edit", "completion"):
            flags[f"models.{role}.base_url"] = args.base_url
    return flags


def open_session(args: argparse.Namespace, default_root: Path | None = None) -> Session:
    """The Session for `--workspace` (or `default_root`, or the current folder); ConfigError for a bad one."""
    root = args.workspace or default_root or Path.cwd()
    if not root.is_dir():
        raise ConfigError(f"{root}: workspace is not a folder")
    return Session.open(root, flags=session_flags(args))


# Exit statuses every command keeps, so scripts can tell a failed model or edit from a mistyped command.
EXIT_OK = 0
EXIT_FAILED = 1  # the model or an edit failed; stderr names the file and why
EXIT_USAGE = 2  # bad arguments, unreadable input, a bad config
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report SIGINT

# CSI/OSC sequences and any other ESC: a model's text must not drive the user's terminal.
_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")


def color_allowed(stream: object = None) -> bool:
    """True when `stream` (stdout by default) is a terminal and NO_COLOR is unset: only then may output style."""
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def plain(text: str) -> str:
    """`text` without terminal escape sequences (model output is printed as text, never as terminal commands)."""
    return _ESCAPES.sub("", text) if "\x1b" in text else text


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print one `caret: ...` line on stderr and return the exit status."""
    print(f"caret: {message}", file=sys.stderr)
    return code


def progress(line: str) -> None:
    """One progress line on stderr (an @docs site crawled before answering): stdout stays the answer alone."""
    print(f"caret: {line}", file=sys.stderr, flush=True)


def print_problems(session: Session) -> None:
    """From now on, one stderr line per problem the engine reports (a language server missing...): a headless
    run works on without what failed, but says so."""

    def problem(event: Event) -> None:
        if is_problem(event):
            print(f"caret: {describe(event)}", file=sys.stderr)

    session.subscribe(problem)
