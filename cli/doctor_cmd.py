"""`caret doctor`: check what caret needs (models, servers, language servers, index, docs, the llama.cpp build)
and say what to do about each; exit 0 when all is well, 1 otherwise."""

from __future__ import annotations

import argparse
import asyncio
import json

from cli.common import fail, open_session
from engine.doctor import Check, run_checks
from engine.errors import ConfigError
from engine.session import Session


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `caret doctor`."""
    parser = sub.add_parser("doctor", help="check models, servers, language servers, index and docs; say what to do")
    parser.add_argument("--json", action="store_true", help="print the checks as a JSON list")
    return parser


def line(check: Check) -> str:
    """One line per check: ok or FAIL, what was found, and for a failure what to do."""
    mark = "ok  " if check.ok else "FAIL"
    hint = f" -> {check.hint}" if check.hint and not check.ok else ""
    return f"{mark} {check.name}: {check.detail}{hint}"


async def _checked(session: Session) -> list[Check]:
    try:
        return await run_checks(session)
    finally:
        await session.aclose()


def run(args: argparse.Namespace) -> int:
    """Run every check; one line each (or a JSON list); exit 1 when any failed."""
    try:
        session = open_session(args)
    except ConfigError as exc:
        return fail(str(exc))
    checks = asyncio.run(_checked(session))
    if args.json:
        print(json.dumps([check.as_dict() for check in checks]))
    else:
        for check in checks:
            print(line(check))
    return 0 if all(check.ok for check in checks) else 1
