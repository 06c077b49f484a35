"""Flags every command shares, and turning them into a Session."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.config import ConfigError, parse_set_flags
from engine.session import Session


def add_session_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model and workspace")
    group.add_argument("-w", "--workspace", type=Path, default=None, help="workspace folder (default: cwd)")
    group.add_argument("--provider", choices=("local", "openai"), help="where chat and edit models run")
    group.add_argument("--model", help="chat/edit model: embedded name, GGUF path, or remote model id")
    group.add_argument("--completion-model", help="ghost-text model: embedded name, GGUF path, or model id")
    group.add_argument("--base-url", help="OpenAI-compatible server for every role, e.g. http://host:8000/v1")
    group.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any config key")


def session_flags(args: argparse.Namespace) -> dict[str, Any]:
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
    root = args.workspace or default_root or Path.cwd()
    if not root.is_dir():
        raise ConfigError(f"{root}: workspace is not a folder")
    return Session.open(root, flags=session_flags(args))


def fail(message: str, code: int = 2) -> int:
    print(f"caret: {message}", file=sys.stderr)
    return code
