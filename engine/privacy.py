"""What may be sent to a model: the one rule every pipeline asks (ghost text, prefill, chat, edit, retrieval).

Secret files (context/ignore.py's name patterns, and caret's own `.caret/config.toml`, which may hold an API key)
and ignored files (.gitignore, .caretignore) never enter a prompt unless the user @-mentions them by name;
nothing outside the workspace ever does.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from context.workspace import Workspace, WorkspaceError, is_secret

Withheld = Literal["", "secret", "ignored", "outside"]

# caret's workspace config may hold `api_key = ...`: a secret, though its name matches no secret pattern.
CONFIG_FILE = ".caret/config.toml"
# Library code a language server resolves into (read-only, public): definitions there are not private files.
_LIBRARY_PARTS = frozenset({"site-packages", "dist-packages", "node_modules", "typeshed"})


def withheld(workspace: Workspace, path: str) -> Withheld:
    """Why the file at `path` (workspace-relative or absolute) must not be sent to a model: "secret", "ignored",
    "outside" (the workspace), or "" when it may be sent."""
    if is_secret(path):
        return "secret"
    try:
        rel = workspace.relative(path)
    except WorkspaceError:
        return "outside"
    if rel == CONFIG_FILE or is_secret(rel):
        return "secret"
    return "ignored" if workspace.should_ignore(rel) else ""


def may_send_definition(workspace: Workspace, path: str) -> bool:
    """True when a definition found in `path` (workspace-relative, or absolute outside it) may enter a prompt:
    library and standard-library code may; a secret or ignored workspace file may not."""
    if is_secret(path):
        return False
    if PurePosixPath(path).is_absolute() or _LIBRARY_PARTS.intersection(PurePosixPath(path).parts):
        return True
    return withheld(workspace, path) == ""


def ghost_text_refusal(reason: Withheld) -> str:
    """What a front-end may show instead of ghost text in a withheld file."""
    return "no suggestions outside the workspace" if reason == "outside" else f"no suggestions in {reason} files"


def left_out_note(path: str, reason: Withheld) -> str:
    """The note a chat shows when the current file is left out of its prompt."""
    what = {"secret": "a secret file", "ignored": "an ignored file", "outside": "outside the workspace"}[reason]
    hint = "" if reason == "outside" else f" (mention @{path} to include it)"
    return f"{path} is {what}: left out of the prompt{hint}"


def edit_refusal(path: str, reason: Withheld) -> str:
    """One line refusing an AI edit of a withheld file: the user can still edit it by hand."""
    what = {"secret": "a secret file", "ignored": "an ignored file", "outside": "outside the workspace"}[reason]
    return f"{path} is {what}: caret never sends it to a model (edit it by hand)"
