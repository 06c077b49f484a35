"""`caret chat MESSAGE`: ask about the workspace; the answer streams to stdout (pipe it to `caret apply -`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from cli.common import EXIT_FAILED, fail, open_session, plain, print_problems, progress
from cli.edit_cmd import parse_target
from engine.chat import ChatRequest, prepare_chat, stream_answer
from engine.chat_sessions import ChatSession, ChatSessionError, load_chat_session, save_chat_session
from engine.errors import ConfigError, FileError, ModelError, PromptTooLarge, WorkspaceError
from engine.files import read_document
from engine.inspect import describe_prompt
from engine.session import Session


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret chat` to the command parsers."""
    parser = sub.add_parser("chat", help="ask a question about the workspace (@file, @symbol, @docs:NAME, @diff)")
    parser.add_argument("message", help="the question; '-' reads it from stdin")
    parser.add_argument("--file", help="the open file: FILE, FILE:LINE (the cursor) or FILE:START-END (the "
                        "selection), 1-based")
    parser.add_argument("--session", metavar="NAME", help="continue (and save) the chat in .caret/chats/NAME.json")
    parser.add_argument("--show-prompt", action="store_true", help="print the rendered prompt and what was dropped")
    parser.add_argument("--prompt-only", action="store_true", help="print the prompt and stop; no model call")
    parser.add_argument("--json", action="store_true", help="one JSON object: answer, usage, prompt report")
    return parser


def parse_file_spec(spec: str | None) -> tuple[str | None, int | None, tuple[int, int] | None]:
    """(path, 0-based cursor line, 0-based [start, end) selection) of FILE, FILE:LINE or FILE:START-END."""
    if not spec:
        return None, None, None
    path, first, last = parse_target(spec)
    if first is None or last is None:
        return path, None, None
    selection = (first - 1, last) if "-" in spec.rpartition(":")[2] else None
    return path, first - 1, selection


def _request(session: Session, message: str, spec: str | None, history: ChatSession) -> ChatRequest:
    path, line, selection = parse_file_spec(spec)
    if path is None:
        return ChatRequest(message, history=history.messages)
    rel = session.relative_path(path)
    opened = read_document(session.root / rel)
    if opened.snapshot is None:
        raise FileError(f"{path}: no such file")
    n_lines = len(opened.text.split("\n"))
    if selection is not None and selection[1] > n_lines:
        raise FileError(f"{path}: line {selection[1]} is past the end ({n_lines} lines)")
    return ChatRequest(message, history=history.messages, current_file=rel, current_text=opened.text,
                       cursor_line=line if line is not None else 0, selection=selection)


async def _chat(args: argparse.Namespace) -> int:
    message = sys.stdin.read() if args.message == "-" else args.message
    session = open_session(args)
    print_problems(session)
    try:
        history = load_chat_session(session.root, args.session) if args.session else ChatSession("")
        request = _request(session, message, args.file, history)
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
                sys.stdout.write(plain(delta))
                sys.stdout.flush()
        answer = "".join(parts)
        if args.session:
            save_chat_session(session.root, history.with_turn(message, answer))
        if args.json:
            print(json.dumps({
                "answer": plain(answer), "finish_reason": stream.finish_reason,
                "prompt_tokens": prepared.rendered.tokens, "completion_tokens": stream.usage.completion_tokens,
                "kept": [s.label for s in prepared.rendered.scopes if s.kept and s.label],
                "dropped": [s.label for s in prepared.rendered.scopes if not s.kept and s.label],
                "notes": prepared.notes, "session": args.session,
            }))
        else:
            print()
        return 0
    finally:
        await session.aclose()


def run(args: argparse.Namespace) -> int:
    """Stream the answer to stdout; exit 1 when the model fails, 2 for bad input, each with one stderr line."""
    try:
        return asyncio.run(_chat(args))
    except ModelError as exc:
        return fail(str(exc), EXIT_FAILED)
    except (FileError, WorkspaceError, ConfigError, PromptTooLarge, ChatSessionError, ValueError) as exc:
        return fail(str(exc))
