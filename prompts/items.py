"""Plain data shared by every layer that gathers context: one piece of context for a prompt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ContextKind(StrEnum):
    """Where a piece of context comes from; templates give each kind its own priority band."""

    OPEN_FILE = "open-file"
    CURSOR_WINDOW = "cursor-window"
    DEFINITION = "definition"
    RETRIEVED = "retrieved"
    RULE = "rule"
    DOC = "doc"
    RECENT_EDIT = "recent-edit"
    MENTION = "mention"
    REPO_MAP = "repo-map"
    DIAGNOSTIC = "diagnostic"  # a language server's problems in the open file


@dataclass(frozen=True)
class ContextItem:
    """One piece of context. `range` is (start_line, end_line), 0-based, end exclusive; None = whole text.

    `priority` is relative within a kind (higher is kept first); templates map kinds to prompt priorities.
    `source` says who found it ("jedi-language-server", "bm25", "AGENTS.md", "@mention"...), shown in the
    prompt inspector.
    """

    path: str
    text: str
    kind: ContextKind
    range: tuple[int, int] | None = None
    priority: float = 0.0
    source: str = ""
    label: str = ""

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.range is None:
            return self.path
        return f"{self.path}:{self.range[0] + 1}-{self.range[1]}"
