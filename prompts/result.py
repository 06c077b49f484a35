"""What `render` returns: the fitted prompt and a report per labelled scope (kept, or dropped and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from prompts.elements import Message


class ScopeReport(NamedTuple):
    """What happened to one labelled scope. `tokens`: its rendered cost when kept; for a dropped scope,
    what its fullest form (first alternative of each First) would have cost."""

    label: str
    priority: float
    tokens: int
    kept: bool
    reason: str  # "kept", "below cutoff", "parent dropped", "First: later alternative chosen", ...


@dataclass(frozen=True)
class RenderResult:
    """`messages` for a chat tree, else `text`. `tokens` excludes `tokens_reserved` (Empty)."""

    messages: list[Message] | None
    text: str | None
    tokens: int
    tokens_reserved: int
    budget: int
    cutoff: float
    scopes: list[ScopeReport] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        """What the prompt costs with its reservations."""
        return self.tokens + self.tokens_reserved
