"""`caret edit FILE[:START[-END]] INSTRUCTION`: propose an edit as a unified diff; `--apply` writes it."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from cli.common import EXIT_FAILED, fail, open_session, print_problems, progress
from engine.edit import EditError, EditRequest, ReplyNotApplied, apply_proposal, introduced_problems, propose_edit
from engine.errors import ConfigError, FileConflict, FileError, ModelError, PromptTooLarge, WorkspaceError
from engine.files import read_document
from engine.inspect import describe_prompt


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret edit` to the command parsers."""
    parser = sub.add_parser("edit", help="edit lines of a file as instructed; prints a diff (--apply writes it; "
                            "a reply that changes several files writes all of them or none)")
    parser.add_argument("target", help="FILE, FILE:LINE or FILE:START-END (1-based, inclusive); FILE alone = all")
    parser.add_argument("instruction", help="what to change; '-' reads it from stdin")
    parser.add_argument("--apply", action="store_true", help="write the change (atomic; refuses if the file changed)")
    parser.add_argument("--check", action="store_true",
                        help="ask the language server for new problems; exit 1 (and write nothing) if any")
    parser.add_argument("--show-prompt", action="store_true", help="print the rendered prompt on stderr")
    parser.add_argument("--json", action="store_true")
    return parser


def parse_target(target: str) -> tuple[str, int | None, int | None]:
    """(path, first line, last line), 1-based inclusive; None where not given."""
    path, sep, span = target.rpartition(":")
    if not sep or not span.replace("-", "").isdigit() or not span.strip("-"):
        return target, None, None
    first, _, last = span.partition("-")
    start, end = int(first), int(last) if last else int(first)
    if start < 1 or end < start:
        raise ValueError(f"{target}: lines must be 1-based and START <= END")
    return path, start, end


async def _edit(args: argparse.Namespace) -> int:
    try:
        path, first, last = parse_target(args.target)
    except ValueError as exc:
        return fail(str(exc))
    instruction = sys.stdin.read() if args.instruction == "-" else args.instruction
    session = open_session(args)
    print_problems(session)
    try:
        rel = session.relative_path(path)
        opened = read_document(session.root / rel)
        if opened.snapshot is None:
            return fail(f"{path}: no such file")
        n_lines = len(opened.text.split("\n"))
        start = (first or 1) - 1
        end = last if last is not None else n_lines
        request = EditRequest(rel, instruction, start, min(end, n_lines))
        prepared, proposal = await propose_edit(session, request, on_progress=progress)
        if args.show_prompt:
            print(describe_prompt(prepared.rendered, prepared.notes, prepared.model.name), file=sys.stderr)
        problems = await introduced_problems(session, proposal) if args.check and proposal.edits else []
        for problem in problems:
            print(f"caret: the edit introduces {problem}", file=sys.stderr)
        write = args.apply and proposal.edits and not problems
        written = apply_proposal(session.root, proposal) if write else []
    finally:
        await session.aclose()
    if args.json:
        print(json.dumps({"diff": proposal.diff, "files": [e.path for e in proposal.edits], "written": written,
                          "problems": problems, "notes": list(proposal.notes)}))
    else:
        sys.stdout.write(proposal.diff or "caret: the model proposed no change\n")
        if written:
            print(f"caret: wrote {', '.join(written)}", file=sys.stderr)
    return 1 if problems else 0


def run(args: argparse.Namespace) -> int:
    """Print (and with --apply, write all or none of) the proposed edit. Exit 1 when the model, its reply or the
    write fails, or --check finds new problems; 2 for bad input (a missing file, a secret one, bad lines)."""
    try:
        return asyncio.run(_edit(args))
    except (ModelError, ReplyNotApplied, FileConflict) as exc:
        return fail(str(exc), EXIT_FAILED)
    except (FileError, WorkspaceError, ConfigError, EditError, PromptTooLarge) as exc:
        return fail(str(exc))
