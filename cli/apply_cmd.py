"""`caret apply [FILE|-]`: turn SEARCH/REPLACE blocks (from any model or person) into a diff; `--apply` writes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.common import fail, open_session
from engine.edit import EditError, apply_proposal, proposal_from_blocks
from engine.errors import ConfigError, FileConflict, FileError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `caret apply`."""
    parser = sub.add_parser("apply", help="apply SEARCH/REPLACE blocks from a file or stdin (diff; --apply writes)")
    parser.add_argument("source", nargs="?", default="-", help="a file holding the blocks, or - for stdin")
    parser.add_argument("--apply", action="store_true", help="write the change (atomic; refuses changed files)")
    parser.add_argument("--json", action="store_true")
    return parser


def run(args: argparse.Namespace) -> int:
    """Show the diff the blocks make; with --apply, write it atomically."""
    try:
        reply = sys.stdin.read() if args.source == "-" else Path(args.source).read_text()
    except OSError as exc:
        return fail(f"{args.source}: cannot read: {exc.strerror}")
    try:
        session = open_session(args)
        proposal = proposal_from_blocks(session.root, reply)
        written = apply_proposal(session.root, proposal) if args.apply else []
    except (ConfigError, EditError, FileError, FileConflict) as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps({"diff": proposal.diff, "files": [e.path for e in proposal.edits], "written": written}))
    else:
        sys.stdout.write(proposal.diff or "caret: the blocks change nothing\n")
        if written:
            print(f"caret: wrote {', '.join(written)}", file=sys.stderr)
    return 0
