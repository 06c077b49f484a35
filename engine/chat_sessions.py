"""Chat sessions kept in `.caret/chats/NAME.json`: `caret chat --session NAME` continues one, the TUI lists them.

A session is its turns, oldest first; the chat template drops the oldest turns first when the window is short,
so a session file never needs trimming to fit a model.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from common.atomic_write import write_atomic
from prompts import Message

CHATS_DIR = ".caret/chats"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
TITLE_CHARS = 60


class ChatSessionError(ValueError):
    """A bad session name, or a session file that cannot be read or written; one line naming it."""


@dataclass(frozen=True)
class ChatSession:
    """A named conversation: its messages (user and assistant), oldest first."""

    name: str
    messages: tuple[Message, ...] = ()
    updated: float = 0.0  # seconds since the epoch of the last saved turn

    def with_turn(self, question: str, answer: str) -> ChatSession:
        """This session with one more question and its answer."""
        turn = (Message("user", question), Message("assistant", answer))
        return ChatSession(self.name, (*self.messages, *turn), time.time())

    @property
    def title(self) -> str:
        """The first question, cut short: what a list of sessions shows."""
        first = next((m.content for m in self.messages if m.role == "user"), "")
        line = " ".join(first.split())
        return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def session_path(root: Path, name: str) -> Path:
    """Where the session `name` lives; ChatSessionError for a name that is not a plain file name."""
    if not _NAME.fullmatch(name):
        raise ChatSessionError(f"{name!r}: a chat session name is letters, digits, '.', '_' and '-' (up to 80)")
    return root / CHATS_DIR / f"{name}.json"


def load_chat_session(root: Path, name: str) -> ChatSession:
    """The session `name` of the workspace at `root`; an empty one when it was never saved."""
    path = session_path(root, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ChatSession(name)
    except (OSError, ValueError) as exc:
        raise ChatSessionError(f"{CHATS_DIR}/{name}.json: cannot read: {exc}") from None
    try:
        messages = tuple(Message("user" if m["role"] == "user" else "assistant", str(m["content"]))
                         for m in data["messages"] if m["role"] in ("user", "assistant"))
        return ChatSession(name, messages, float(data.get("updated", 0.0)))
    except (KeyError, TypeError) as exc:
        raise ChatSessionError(f"{CHATS_DIR}/{name}.json: not a chat session ({exc})") from None


def save_chat_session(root: Path, session: ChatSession) -> None:
    """Write the session atomically (a crash leaves the previous version)."""
    path = session_path(root, session.name)
    data = {"name": session.name, "updated": session.updated,
            "messages": [{"role": m.role, "content": m.content} for m in session.messages]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ChatSessionError(f"{CHATS_DIR}/{session.name}.json: cannot write: {exc.strerror}") from None


def list_chat_sessions(root: Path) -> list[ChatSession]:
    """Every saved session of the workspace, the most recently updated first; unreadable files are skipped."""
    folder = root / CHATS_DIR
    found = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            found.append(load_chat_session(root, path.stem))
        except ChatSessionError:
            continue
    return sorted(found, key=lambda s: -s.updated)
