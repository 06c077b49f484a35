"""`caret config`: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import json

from cli.common import fail, open_session
from engine.config import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `caret config`."""
    parser = sub.add_parser("config", help="print the effective configuration and each value's source")
    parser.add_argument("--json", action="store_true")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print every setting with its value and where it came from (API keys masked)."""
    try:
        session = open_session(args)
    except ConfigError as exc:
        return fail(str(exc))
    rows = session.config.describe()
    if args.json:
        print(json.dumps([{"key": k, "value": v, "source": s} for k, v, s in rows]))
        return 0
    width = max(len(k) for k, _, _ in rows)
    for key, value, source in rows:
        print(f"{key:<{width}}  {value:<28}  {source}")
    return 0
