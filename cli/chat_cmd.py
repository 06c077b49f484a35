"""`caret chat MESSAGE`: ask about the workspace; the answer streams to stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from cli.common import fail, open_session, print_problems, progress
from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.errors import ConfigError, FileError, ModelError, PromptTooLarge, WorkspaceError
from engine.files import read_document
from engine.inspect import describe_prompt


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret chat` to the command parsers."""
    parser = sub.add_parser("chat", help="ask a question about the workspace (@file, @symbol, @docs:NAME, @diff)")
    parser.add_argument("message", help="the question; '-' reads it from stdin")
    parser.add_argument("--file", help="the current file, FILE or FILE:LINE (adds definitions near that line)")
    parser.add_argument("--show-prompt", action="store_true", help="print the rendered prompt and what was dropped")
    parser.add_argument("--prompt-only", action="store_true", help="print the prompt and stop; no model call")
    parser.add_argument("--json", action="store_true", help="one JSON object: answer, usage, prompt report")
    return parser


def _current_file(session_root: object, spec: str | None) -> tuple[str | None, int | None]:
    if not spec:
        return None, None
    path, _, line = spec.rpartition(":") if spec.rpartition(":")[2].isdigit() else (spec, "", "")
    return path, (int(line) - 1 if line else None)


async def _chat(args: argparse.Namespace) -> int:
    message = sys.stdin.read() if args.message == "-" else args.message
    session = open_session(args)
    print_problems(session)
    try:
        path, line = _current_file(session.root, args.file)
        text = None
        if path is not None:
            path = session.relative_path(path)
            text = read_document(session.root / path).text
            line = line if line is not None else 0
        request = ChatRequest(message, current_file=path, current_text=text, cursor_line=line)
        prepared = await prepare_chat(session, request, on_progress=progress)
        report = describe_prompt(prepared.rendered, prepared.notes, prepared.model.name,
                                 getattr(prepared.model, "token_count_exact", True))
        if args.show_prompt or args.prompt_only:
            print(report, file=sys.stdout if args.prompt_only else sys.stderr)
        for note in prepared.notes:
            print(f"caret: {note}", file=sys.stderr)
        if args.prompt_only:
            return 0
        stream = stream_answer(prepared)
        parts = []
        async for delta in stream:
            parts.append(delta)
            if not args.json:
                sys.stdout.write(delta)
                sys.stdout.flush()
        if args.json:
            print(json.dumps({
                "answer": "".join(parts), "finish_reason": stream.finish_reason,
                "prompt_tokens": prepared.rendered.tokens, "completion_tokens": stream.usage.completion_tokens,
                "kept": [s.label for s in prepared.rendered.scopes if s.kept and s.label],
                "dropped": [s.label for s in prepared.rendered.scopes if not s.kept and s.label],
                "notes": prepared.notes,
            }))
        else:
            print()
        return 0
    finally:
        await session.aclose()


def run(args: argparse.Namespace) -> int:
    """Stream the answer to stdout; exit 2 with one stderr line when it cannot."""
    try:
        return asyncio.run(_chat(args))
    except (ModelError, FileError, WorkspaceError, ConfigError, PromptTooLarge) as exc:
        return fail(str(exc))
