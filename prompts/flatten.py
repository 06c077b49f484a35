"""One walk over a prompt tree: text pieces with the priority range at which each is rendered.

A piece is rendered at cutoff c when lo < c <= hi: hi is the lowest priority on its scope chain (a scope is
kept when its priority >= c and its parent is kept), lo the highest priority of the earlier alternatives of
every First above it (a First keeps its first alternative that reaches c).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prompts.elements import BASE_PRIORITY, Empty, First, Isolate, MessageNode, Node, Role, Scope
from prompts.result import RenderResult, ScopeReport

NO_LOWER = float("-inf")
NO_UPPER = float("inf")


class _Report:
    __slots__ = (
        "first_group", "first_lo", "first_pos", "full_tokens", "label", "parent_hi", "parent_lo",
        "priority", "seg_end", "seg_start",
    )

    def __init__(self, label: str, priority: float, parent_lo: float, parent_hi: float, first_lo: float,
                 first_group: int, first_pos: int, seg_start: int) -> None:
        self.label = label
        self.priority = priority
        self.parent_lo = parent_lo
        self.parent_hi = parent_hi
        self.first_lo = first_lo
        self.first_group = first_group
        self.first_pos = first_pos
        self.seg_start = seg_start
        self.seg_end = seg_start
        self.full_tokens = 0


@dataclass
class Flattened:
    """The walked tree: per text piece its tokens, level range and message; per message its role and range;
    Empty reservations and what each labelled scope needs for its report."""

    levels: set[float] = field(default_factory=lambda: {BASE_PRIORITY})
    seg_text: list[str] = field(default_factory=list)
    seg_tokens: list[int] = field(default_factory=list)
    seg_lo: list[float] = field(default_factory=list)
    seg_hi: list[float] = field(default_factory=list)
    seg_msg: list[int] = field(default_factory=list)
    msg_role: list[Role] = field(default_factory=list)
    msg_lo: list[float] = field(default_factory=list)
    msg_hi: list[float] = field(default_factory=list)
    empties: list[tuple[int, float, float]] = field(default_factory=list)
    reports: list[_Report] = field(default_factory=list)
    isolate_reports: list[tuple[list[ScopeReport], tuple[float, float]]] = field(default_factory=list)
    chat: bool = False
    text_outside_messages: bool = False
    first_groups: int = 0


def _priority(p: float | None, prel: float | None, parent: float) -> float:
    if p is not None:
        return p
    return parent + (prel or 0)


def flatten(
    tree: Node | Sequence[Node],
    count: Callable[[str], int],
    render_isolate: Callable[[Sequence[Node], int], RenderResult],
    cache: dict[str, int] | None = None,
) -> Flattened:
    """Walk `tree` once; `render_isolate(children, budget)` renders an Isolate on its own budget.
    `cache` (text -> tokens) is filled as pieces are counted."""
    flat = Flattened()
    counts = {} if cache is None else cache
    seg_text, seg_tokens, seg_lo, seg_hi, seg_msg = (
        flat.seg_text, flat.seg_tokens, flat.seg_lo, flat.seg_hi, flat.seg_msg,
    )

    def text(s: str, lo: float, hi: float, msg: int) -> int:
        n = counts.get(s)
        if n is None:
            n = counts[s] = count(s)
        seg_text.append(s)
        seg_tokens.append(n)
        seg_lo.append(lo)
        seg_hi.append(hi)
        seg_msg.append(msg)
        if msg < 0:
            flat.text_outside_messages = True
        return n

    def scope(node: Scope | Isolate, parent: float, lo: float, hi: float, msg: int,
              first_lo: float = NO_LOWER, group: int = -1, pos: int = -1) -> int:
        prio = _priority(node.p, node.prel, parent)
        flat.levels.add(prio)
        report = None
        if node.label:
            report = _Report(node.label, prio, lo, hi, first_lo, group, pos, len(seg_text))
            flat.reports.append(report)
        own_lo, own_hi = max(lo, first_lo), min(hi, prio)
        if isinstance(node, Isolate):
            full = isolate(node, own_lo, own_hi, msg)
        else:
            full = walk(node.children, prio, own_lo, own_hi, msg)
        if report is not None:
            report.seg_end = len(seg_text)
            report.full_tokens = full
        return full

    def isolate(node: Isolate, lo: float, hi: float, msg: int) -> int:
        inner = render_isolate(node.children, node.budget)
        if inner.text is None:
            raise ValueError("an Isolate must render to text, not chat messages")
        flat.isolate_reports.append((inner.scopes, (lo, hi)))
        if inner.tokens_reserved:
            flat.empties.append((inner.tokens_reserved, lo, hi))
        return text(inner.text, lo, hi, msg) if inner.text else 0

    def first(node: First, parent: float, lo: float, hi: float, msg: int) -> int:
        group = flat.first_groups
        flat.first_groups += 1
        earlier = NO_LOWER
        full = 0
        for pos, alt in enumerate(node.alternatives):
            n = scope(alt, parent, lo, hi, msg, earlier, group, pos)
            if pos == 0:
                full = n
            earlier = max(earlier, _priority(alt.p, alt.prel, parent))
        return full

    def walk(children: Sequence[Node], prio: float, lo: float, hi: float, msg: int) -> int:
        full = 0
        run: list[str] = []
        for child in children:
            if type(child) is str:
                run.append(child)
                continue
            if run:
                full += text("".join(run), lo, hi, msg)
                run = []
            if isinstance(child, Scope | Isolate):
                full += scope(child, prio, lo, hi, msg)
            elif isinstance(child, First):
                full += first(child, prio, lo, hi, msg)
            elif isinstance(child, Empty):
                flat.empties.append((child.tokens, lo, hi))
            elif isinstance(child, MessageNode):
                if msg >= 0:
                    raise ValueError("chat messages cannot be nested inside chat messages")
                flat.chat = True
                flat.msg_role.append(child.role)
                flat.msg_lo.append(lo)
                flat.msg_hi.append(hi)
                full += walk(child.children, prio, lo, hi, len(flat.msg_role) - 1)
            elif isinstance(child, str):
                run.append(child)
            else:
                raise TypeError(f"not a prompt element: {type(child).__name__}")
        if run:
            full += text("".join(run), lo, hi, msg)
        return full

    roots = [tree] if isinstance(tree, str | Scope | First | Empty | Isolate | MessageNode) else list(tree)
    walk(roots, BASE_PRIORITY, NO_LOWER, NO_UPPER, -1)
    if flat.chat and flat.text_outside_messages:
        raise ValueError("a chat prompt cannot have text outside its messages; wrap it in a message")
    return flat
