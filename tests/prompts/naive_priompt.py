"""A direct transcription of Priompt's renderBinarySearch semantics, used as the oracle for `render`.

It re-renders the whole tree at every probe, exactly the slow way: text at a cutoff follows the tree
(a scope is kept when its priority >= cutoff and its parent is kept; First keeps its first alternative whose
priority reaches the cutoff), and each probe's count is count(text) (+4 per chat message, +3 per chat).
"""

from __future__ import annotations

from collections.abc import Callable

from prompts import BASE_PRIORITY, Empty, First, Isolate, MessageNode, Node, PromptTooLarge, Scope


def _prio(node: Scope | Isolate, parent: float) -> float:
    return node.p if node.p is not None else parent + (node.prel or 0)


def levels_of(node: Node, parent: float, out: set[float]) -> None:
    if isinstance(node, Scope | Isolate):
        prio = _prio(node, parent)
        out.add(prio)
        if isinstance(node, Scope):
            for c in node.children:
                levels_of(c, prio, out)
    elif isinstance(node, First):
        for alt in node.alternatives:
            levels_of(alt, parent, out)
    elif isinstance(node, MessageNode):
        for c in node.children:
            levels_of(c, parent, out)


class _Out:
    def __init__(self) -> None:
        self.text: list[str] = []
        self.messages: list[tuple[str, list[str]]] = []
        self.reserved = 0


def _walk(node: Node, level: float, parent: float, out: _Out, sink: list[str],
          count: Callable[[str], int]) -> None:
    if isinstance(node, str):
        sink.append(node)
    elif isinstance(node, Scope):
        prio = _prio(node, parent)
        if prio >= level:
            for c in node.children:
                _walk(c, level, prio, out, sink, count)
    elif isinstance(node, Isolate):
        if _prio(node, parent) >= level:
            text, _tokens, reserved, _cutoff = naive_render(list(node.children), node.budget, count)
            sink.append(text)
            out.reserved += reserved
    elif isinstance(node, First):
        for alt in node.alternatives:
            if _prio(alt, parent) >= level:
                _walk(alt, level, parent, out, sink, count)
                return
    elif isinstance(node, Empty):
        out.reserved += node.tokens
    elif isinstance(node, MessageNode):
        parts: list[str] = []
        out.messages.append((node.role, parts))
        for c in node.children:
            _walk(c, level, parent, out, parts, count)


def render_at(tree: list[Node], level: float, count: Callable[[str], int]) -> tuple[object, int, int]:
    out = _Out()
    for node in tree:
        _walk(node, level, BASE_PRIORITY, out, out.text, count)
    if out.messages:
        msgs = [(role, "".join(parts)) for role, parts in out.messages]
        tokens = sum(count(c) + 4 for _, c in msgs) + 3
        return msgs, tokens, out.reserved
    text = "".join(out.text)
    return text, count(text), out.reserved


def _hydrate(node: Node, count: Callable[[str], int]) -> None:
    """Priompt renders every isolate before its search, kept or not: one that does not fit raises."""
    if isinstance(node, Isolate):
        naive_render(list(node.children), node.budget, count)
    elif isinstance(node, Scope | MessageNode):
        for c in node.children:
            _hydrate(c, count)
    elif isinstance(node, First):
        for alt in node.alternatives:
            _hydrate(alt, count)


def naive_render(tree: list[Node], budget: int, count: Callable[[str], int]
                 ) -> tuple[object, int, int, float]:
    """(text or [(role, content)], tokens, reserved, cutoff) as Priompt renders; raises PromptTooLarge."""
    for node in tree:
        _hydrate(node, count)
    found: set[float] = {BASE_PRIORITY}
    for node in tree:
        levels_of(node, BASE_PRIORITY, found)
    levels = sorted(found)
    lo, hi = -1, len(levels) - 1
    while lo < hi - 1:
        mid = (lo + hi) // 2
        rendered, tokens, reserved = render_at(tree, levels[mid], count)
        chars = len(rendered) if isinstance(rendered, str) else sum(len(c) for _, c in rendered)
        if chars / 10 > budget or tokens + reserved > budget:
            lo = mid
        else:
            hi = mid
    rendered, tokens, reserved = render_at(tree, levels[hi], count)
    if tokens + reserved > budget:
        raise PromptTooLarge(tokens, reserved, budget)
    return rendered, tokens, reserved, levels[hi]
