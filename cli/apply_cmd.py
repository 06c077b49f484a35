"""`caret apply [REPLY|-]`: turn any model's (or person's) reply into file changes: SEARCH/REPLACE blocks, unified
diffs, fenced files with their path. Prints the diff; `--apply` writes. Exit 0 when every change applies, 1 when
any is refused (each named on stderr; nothing of its file is written), 2 for usage errors and unreadable input."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from cli.common import fail, open_session
from engine.edit import EditError, EditProposal, apply_proposal, introduced_problems, proposal_from_blocks
from engine.errors import ConfigError, FileConflict, FileError
from engine.session import Session


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `caret apply`."""
    parser = sub.add_parser(
        "apply", help="apply a reply's edits (SEARCH/REPLACE, unified diff, fenced files) from a file or stdin"
    )
    parser.add_argument("source", nargs="?", default="-", help="a file holding the reply, or - for stdin")
    parser.add_argument("--apply", action="store_true", help="write the change (atomic; refuses changed files)")
    parser.add_argument("--force", action="store_true", help="apply even when the edit breaks the file's syntax")
    parser.add_argument("--check", action="store_true",
                        help="ask the language server for new problems; exit 1 (and write nothing) if any")
    parser.add_argument("--json", action="store_true")
    return parser


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    return Path(source).read_text(encoding="utf-8")


async def _problems(session: Session, proposal: EditProposal) -> list[str]:
    try:
        return await introduced_problems(session, proposal)
    finally:
        await session.aclose()


def run(args: argparse.Namespace) -> int:
    """Show the diff the reply makes; with --apply, write the files whose changes all apply."""
    try:
        reply = _read(args.source)
    except OSError as exc:
        return fail(f"{args.source}: cannot read: {exc.strerror}")
    except UnicodeDecodeError:
        return fail(f"{args.source}: not UTF-8 text")
    try:
        session = open_session(args)
        proposal = proposal_from_blocks(session.root, reply, force=args.force)
        problems = asyncio.run(_problems(session, proposal)) if args.check and proposal.edits else []
        write = args.apply and not problems
        written = apply_proposal(session.root, proposal) if write else []
    except (ConfigError, EditError, FileError, FileConflict) as exc:
        return fail(str(exc))
    for refusal in proposal.refused:
        print(f"caret: refused: {refusal}", file=sys.stderr)
    for problem in problems:
        print(f"caret: the edit introduces {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps({
            "diff": proposal.diff, "files": [e.path for e in proposal.edits],
            "deleted": [e.path for e in proposal.edits if e.deleted], "written": written,
            "refused": list(proposal.refused), "problems": problems,
        }))
    else:
        sys.stdout.write(proposal.diff or ("" if proposal.refused else "caret: the reply changes nothing\n"))
        if written:
            print(f"caret: wrote {', '.join(written)}", file=sys.stderr)
    return 1 if proposal.refused or problems else 0
