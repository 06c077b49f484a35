"""Prompt tree elements: frozen dataclasses that `render` turns into messages or one text.

Semantics follow Priompt (anysphere/priompt): a scope has an absolute priority `p` or a priority
relative to its parent `prel`; a scope without either inherits its parent's priority. The root's
priority is BASE_PRIORITY (always kept). At a cutoff, a scope is kept when its priority is >= the
cutoff and its parent is kept, so a child is never kept without its parent.

Build trees with positional children, e.g. `Scope("intro\n", Scope(file_text, p=50), label="ctx")`.
Children may be strings, elements, None (skipped) or nested lists/tuples (flattened), which keeps
templates free of `if` noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

BASE_PRIORITY = 1e9  # Priompt's priority for the root and for anything not under a prioritised scope.

Role = Literal["system", "user", "assistant"]


def _flatten(children: Iterable[object]) -> tuple[Node, ...]:
    out: list[Node] = []
    for child in children:
        if child is None or child == "":
            continue
        if isinstance(child, list | tuple):
            out.extend(_flatten(child))
        elif isinstance(child, str | Scope | First | Empty | Isolate | _MessageNode):
            out.append(child)
        else:
            raise TypeError(f"prompt child must be str or a prompt element, got {type(child).__name__}")
    return tuple(out)


def _check_priority(p: float | None, prel: float | None) -> None:
    if p is not None and prel is not None:
        raise ValueError("a scope takes p (absolute) or prel (relative), not both")


@dataclass(frozen=True, init=False)
class Scope:
    """A group of children kept or dropped together, with a priority and an optional report label."""

    children: tuple[Node, ...]
    p: float | None = None
    prel: float | None = None
    label: str = ""

    def __init__(self, *children: object, p: float | None = None, prel: float | None = None,
                 label: str = "") -> None:
        _check_priority(p, prel)
        object.__setattr__(self, "children", _flatten(children))
        object.__setattr__(self, "p", p)
        object.__setattr__(self, "prel", prel)
        object.__setattr__(self, "label", label)


@dataclass(frozen=True, init=False)
class First:
    """Keep the first alternative whose priority reaches the cutoff (whole file, else outline, else path).

    Give alternatives increasing priorities: the richest one goes first with the lowest priority.
    """

    alternatives: tuple[Scope, ...]

    def __init__(self, *alternatives: Scope) -> None:
        for alt in alternatives:
            if not isinstance(alt, Scope):
                raise TypeError(f"First takes Scope alternatives only, got {type(alt).__name__}")
        object.__setattr__(self, "alternatives", tuple(alternatives))


@dataclass(frozen=True)
class Empty:
    """Reserve `tokens` (e.g. room for the answer): counted against the budget, renders nothing."""

    tokens: int

    def __post_init__(self) -> None:
        if self.tokens < 0:
            raise ValueError(f"Empty needs tokens >= 0, got {self.tokens}")


@dataclass(frozen=True, init=False)
class Isolate:
    """Children rendered on their own `budget`, so their text does not change when the rest of the tree does.

    The isolate itself is a scope (p/prel/label) in the outer tree; it is kept or dropped as a whole.
    Its children must render to text (no chat messages).
    """

    budget: int
    children: tuple[Node, ...]
    p: float | None = None
    prel: float | None = None
    label: str = ""

    def __init__(self, budget: int, *children: object, p: float | None = None, prel: float | None = None,
                 label: str = "") -> None:
        _check_priority(p, prel)
        object.__setattr__(self, "budget", budget)
        object.__setattr__(self, "children", _flatten(children))
        object.__setattr__(self, "p", p)
        object.__setattr__(self, "prel", prel)
        object.__setattr__(self, "label", label)


@dataclass(frozen=True, init=False)
class _MessageNode:
    children: tuple[Node, ...] = field(default=())
    role: Role = "user"

    def __init__(self, *children: object) -> None:
        object.__setattr__(self, "children", _flatten(children))


@dataclass(frozen=True, init=False)
class SystemMessage(_MessageNode):
    """A system message: its children render to the message's content."""

    role: Role = "system"


@dataclass(frozen=True, init=False)
class UserMessage(_MessageNode):
    """A user message: its children render to the message's content."""

    role: Role = "user"


@dataclass(frozen=True, init=False)
class AssistantMessage(_MessageNode):
    """An assistant message (an earlier answer): its children render to the message's content."""

    role: Role = "assistant"


MessageNode: TypeAlias = _MessageNode
Node: TypeAlias = str | Scope | First | Empty | Isolate | _MessageNode


@dataclass(frozen=True)
class Message:
    """One rendered chat message. It has the shape of models.base.ChatMessage, so the engine sends it as is."""

    role: Role
    content: str
