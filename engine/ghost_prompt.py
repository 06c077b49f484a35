"""Builds the ghost-text prompt for a request (interim: prefix-only continuation; prompts/ templates replace it)."""

from __future__ import annotations

from engine.complete import GhostPrompt, GhostTextRequest, cursor_offset
from models.base import Model

COMMENT_PREFIX = {"python": "#", "go": "//", "rust": "//", "javascript": "//", "typescript": "//", "c": "//"}


async def build_ghost_prompt(request: GhostTextRequest, model: Model, budget_tokens: int = 1024) -> GhostPrompt:
    offset = cursor_offset(request.text, request.line, request.column)
    prefix = request.text[:offset]
    comment = COMMENT_PREFIX.get(request.language or "", "#")
    header = f"{comment} {request.path}\n"
    # Keep the tail of the prefix that fits; cut at a line start so the stable head stays stable.
    budget_chars = budget_tokens * 3
    if len(prefix) > budget_chars:
        cut = prefix.find("\n", len(prefix) - budget_chars)
        prefix = prefix[cut + 1 :] if cut >= 0 else prefix[-budget_chars:]
    text = header + prefix
    return GhostPrompt(text=text, tokens=model.count_tokens(text), stop=("\n\n\n",))
