"""What was sent to the model, as text a person can read: `caret chat --show-prompt` and the TUI inspector."""

from __future__ import annotations

from collections.abc import Sequence

from prompts import RenderResult


def describe_prompt(result: RenderResult, notes: Sequence[str] = (), model: str = "", exact: bool = True) -> str:
    """The rendered messages (or text), then every labelled scope with its priority, tokens and fate."""
    counted = "tokens" if exact else "tokens (estimated)"
    lines = [
        f"== prompt for {model or 'the model'}: {result.tokens} {counted} + {result.tokens_reserved} reserved "
        f"for the answer, budget {result.budget}, priority cutoff {result.cutoff:g}",
    ]
    if result.messages is not None:
        for message in result.messages:
            lines.append(f"--- {message.role} ---")
            lines.append(message.content)
    else:
        lines.append("--- text ---")
        lines.append(result.text or "")
    kept = [s for s in result.scopes if s.kept]
    dropped = [s for s in result.scopes if not s.kept]
    lines.append(f"== {len(kept)} scopes kept, {len(dropped)} dropped")
    for scope in sorted(result.scopes, key=lambda s: (not s.kept, -s.priority)):
        mark = "kept   " if scope.kept else "dropped"
        lines.append(f"  {mark} p={scope.priority:<7g} {scope.tokens:>6} tok  {scope.label}  ({scope.reason})")
    for note in notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
