"""Render a prompt tree to fit a token budget, with Priompt's result and without its repeated re-rendering.

Priompt binary-searches the sorted priority levels, re-rendering and re-tokenizing the whole tree at every
probe. Here the tree is walked once: every run of text becomes a piece with the range of level indexes at
which it is rendered (a scope is kept at cutoff c when its priority >= c and its parent is kept; a First
alternative also needs every earlier alternative below c). Each piece is counted once (cached by content),
per-level totals come from prefix sums, and Priompt's binary search (same probes) runs on those sums. Pieces
that meet at a join can tokenize differently together, so after a first pass each probe is predicted from
the nearest exactly counted level (its exact count plus the estimated difference) and counted exactly when
the prediction is within a token per differing piece of the budget; the chosen level and the one below it
are always checked exactly. The result is Priompt's whenever the exact count grows as the cutoff falls (the
case Priompt's own search assumes) and a join shifts the count by at most a token per piece.

Token counting, as in Priompt: a text prompt costs count(text); a chat prompt costs, per message,
count(content) + 4, plus 3 for the whole conversation (CHAT_TOKENS_PER_MESSAGE, CHAT_TOKENS_PER_PROMPT);
Empty reservations are added on top.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from itertools import accumulate

from prompts.elements import Message, Node, Role
from prompts.flatten import NO_LOWER as _NO_LOWER
from prompts.flatten import NO_UPPER as _NO_UPPER
from prompts.flatten import Flattened, flatten
from prompts.result import RenderResult, ScopeReport

CHAT_TOKENS_PER_MESSAGE = 4  # Priompt's CHATML_PROMPT_EXTRA_TOKEN_COUNT_LINEAR_FACTOR
CHAT_TOKENS_PER_PROMPT = 3  # Priompt's CHATML_PROMPT_EXTRA_TOKEN_COUNT_CONSTANT

__all__ = ["CHAT_TOKENS_PER_MESSAGE", "CHAT_TOKENS_PER_PROMPT", "PromptTooLarge", "render"]


class PromptTooLarge(ValueError):
    """Even the always-kept part of the tree (plus reservations) does not fit the budget."""

    def __init__(self, tokens: int, reserved: int, budget: int) -> None:
        super().__init__(
            f"prompt too large: the always-kept part needs {tokens} tokens + {reserved} reserved, "
            f"over the budget of {budget}"
        )
        self.tokens = tokens
        self.reserved = reserved
        self.budget = budget


def render(tree: Node | Sequence[Node], budget: int, count_tokens: Callable[[str], int]) -> RenderResult:
    """Keep the highest-priority part of `tree` that fits `budget` tokens under `count_tokens`."""
    cache: dict[str, int] = {}

    def counted(text: str) -> int:
        n = cache.get(text)
        if n is None:
            n = cache[text] = count_tokens(text)
        return n

    # The walk allocates many small objects that all live until the end: collecting them midway is wasted.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(tree, budget, counted, cache)
    finally:
        if gc_was_enabled:
            gc.enable()


def _render(tree: Node | Sequence[Node], budget: int, count: Callable[[str], int], cache: dict[str, int]
            ) -> RenderResult:
    flat = flatten(tree, count, lambda children, b: _render(children, b, count, cache), cache)
    return _Search(flat, budget, count).run()


class _Search:
    def __init__(self, flat: Flattened, budget: int, count: Callable[[str], int]) -> None:
        self.flat = flat
        self.budget = budget
        self.count = count
        self.levels = sorted(flat.levels)
        n = len(self.levels)
        position = {v: i for i, v in enumerate(self.levels)}

        def index_range(lo: float, hi: float) -> tuple[int, int]:
            # lo and hi are level values or infinities: a dict lookup instead of a bisection
            return (0 if lo == _NO_LOWER else position[lo] + 1), (n - 1 if hi == _NO_UPPER else position[hi])

        self._index_range = index_range
        self.seg_range = [index_range(lo, hi) for lo, hi in zip(flat.seg_lo, flat.seg_hi, strict=True)]
        self.msg_range = [index_range(lo, hi) for lo, hi in zip(flat.msg_lo, flat.msg_hi, strict=True)]
        tok_diff = [0] * (n + 1)
        chr_diff = [0] * (n + 1)
        res_diff = [0] * (n + 1)
        msg_diff = [0] * (n + 1)
        change = [0] * (n + 1)  # change[i]: pieces that appear or disappear between levels i - 1 and i
        for (a, b), tok, text in zip(self.seg_range, flat.seg_tokens, flat.seg_text, strict=True):
            if a <= b:
                tok_diff[a] += tok
                change[a] += 1
                change[b + 1] += 1
                tok_diff[b + 1] -= tok
                chr_diff[a] += len(text)
                chr_diff[b + 1] -= len(text)
        for tokens, lo, hi in flat.empties:
            a, b = index_range(lo, hi)
            if a <= b:
                res_diff[a] += tokens
                res_diff[b + 1] -= tokens
        for a, b in self.msg_range:
            if a <= b:
                msg_diff[a] += 1
                msg_diff[b + 1] -= 1
        self.est = list(accumulate(tok_diff[:n]))
        self.chars = list(accumulate(chr_diff[:n]))
        self.reserved = list(accumulate(res_diff[:n]))
        if flat.chat:
            for k, m in enumerate(accumulate(msg_diff[:n])):
                if m:
                    self.est[k] += CHAT_TOKENS_PER_MESSAGE * m + CHAT_TOKENS_PER_PROMPT
        self.exact_cache: dict[int, int] = {}
        self._rendered: dict[int, str | list[Message]] = {}  # output of exactly counted levels
        self.changes = list(accumulate(change[:n]))  # changes[k] - changes[j]: pieces that differ, j < k

    # --- rendering at one level -------------------------------------------------------------------

    def _text_at(self, k: int) -> str:
        return "".join(t for t, (a, b) in zip(self.flat.seg_text, self.seg_range, strict=True) if a <= k <= b)

    def _messages_at(self, k: int) -> list[Message]:
        parts: dict[int, list[str]] = {}
        for t, m, (a, b) in zip(self.flat.seg_text, self.flat.seg_msg, self.seg_range, strict=True):
            if a <= k <= b:
                parts.setdefault(m, []).append(t)
        roles: list[Role] = self.flat.msg_role
        return [
            Message(roles[i], "".join(parts.get(i, ())))
            for i, (a, b) in enumerate(self.msg_range)
            if a <= k <= b
        ]

    def exact(self, k: int) -> int:
        n = self.exact_cache.get(k)
        if n is None:
            if self.flat.chat:
                msgs = self._messages_at(k)
                n = sum(self.count(m.content) + CHAT_TOKENS_PER_MESSAGE for m in msgs)
                n += CHAT_TOKENS_PER_PROMPT if msgs else 0
                self._rendered[k] = msgs
            else:
                text = self._text_at(k)
                n = self.count(text)
                self._rendered[k] = text
            self.exact_cache[k] = n
        return n

    # --- the search ---------------------------------------------------------------------------------

    def _predict(self, k: int) -> tuple[float, float]:
        """(predicted exact count, tolerance) at level k, from the nearest exactly counted level j:
        T(j) plus the estimated change scaled by j's exact/estimate ratio, give or take one token per piece
        that differs between j and k (a join can merge or split a token)."""
        if not self.exact_cache:
            return self.est[k], 16
        j = min(self.exact_cache, key=lambda x: abs(x - k))
        ratio = self.exact_cache[j] / self.est[j] if self.est[j] else 1.0
        differ = abs(self.changes[k] - self.changes[j])
        return self.exact_cache[j] + (self.est[k] - self.est[j]) * ratio, 8 + differ

    def _fits(self, k: int, *, exact: bool) -> bool:
        # Priompt gives up on a level whose text is over 10 characters per token of the budget.
        if self.chars[k] / 10 > self.budget:
            return False
        if exact or k in self.exact_cache:
            return self.exact(k) + self.reserved[k] <= self.budget
        predicted, tolerance = self._predict(k)
        if predicted + self.reserved[k] > self.budget + tolerance:
            return False
        if predicted + self.reserved[k] <= self.budget - tolerance:
            return True
        return self.exact(k) + self.reserved[k] <= self.budget

    def _binary_search(self, lo: int, hi: int, *, exact: bool) -> int:
        # Priompt's search: exclusive lower bound, inclusive upper bound, same midpoints.
        while lo < hi - 1:
            mid = (lo + hi) // 2
            if self._fits(mid, exact=exact):
                hi = mid
            else:
                lo = mid
        return hi

    def run(self) -> RenderResult:
        last = len(self.levels) - 1
        # A first search on the summed estimates finds where to count exactly; the second search predicts
        # every probe from the exact counts nearest to it and counts exactly where the prediction is unsure.
        k = self._binary_search(-1, last, exact=False)
        self.exact(k)
        k = self._binary_search(-1, last, exact=False)
        if not self._fits(k, exact=True):
            k = self._binary_search(k, last, exact=True)  # the estimate was too low here: go up
        elif k > 0 and self._fits(k - 1, exact=False) and self._fits(k - 1, exact=True):
            k = self._binary_search(-1, k - 1, exact=True)  # a level lower fits too: go down
        tokens = self.exact(k)
        if tokens + self.reserved[k] > self.budget:
            raise PromptTooLarge(tokens, self.reserved[k], self.budget)
        rendered = self._rendered[k]
        messages, text = (None, rendered) if isinstance(rendered, str) else (rendered, None)
        return RenderResult(
            messages=messages,
            text=text,
            tokens=tokens,
            tokens_reserved=self.reserved[k],
            budget=self.budget,
            cutoff=self.levels[k],
            scopes=self._reports(k),
        )

    def _reports(self, k: int) -> list[ScopeReport]:
        flat, cutoff, index_range, seg_range = self.flat, self.levels[k], self._index_range, self.seg_range
        seg_tokens = flat.seg_tokens
        parent_in: list[bool] = []
        kept: list[bool] = []
        chosen: dict[int, int] = {}  # First group -> position of its kept alternative
        for r in flat.reports:
            pa, pb = index_range(r.parent_lo, r.parent_hi)
            ok = pa <= k <= pb
            is_kept = ok and cutoff <= r.priority and cutoff > r.first_lo
            parent_in.append(ok)
            kept.append(is_kept)
            if is_kept and r.first_group >= 0:
                chosen[r.first_group] = r.first_pos
        out: list[ScopeReport] = []
        for r, ok, is_kept in zip(flat.reports, parent_in, kept, strict=True):
            if is_kept:
                if r.seg_end - r.seg_start == 1:  # the common leaf scope
                    a, b = seg_range[r.seg_start]
                    tokens = seg_tokens[r.seg_start] if a <= k <= b else 0
                else:
                    tokens = sum(seg_tokens[s] for s in range(r.seg_start, r.seg_end)
                                 if seg_range[s][0] <= k <= seg_range[s][1])
                out.append(ScopeReport(r.label, r.priority, tokens, True, "kept"))
                continue
            if not ok:
                reason = "parent dropped"
            elif r.priority < cutoff:
                later = chosen.get(r.first_group, -1) > r.first_pos
                reason = "First: later alternative chosen" if later else "below cutoff"
            else:
                reason = "First: earlier alternative chosen"
            out.append(ScopeReport(r.label, r.priority, r.full_tokens, False, reason))
        for inner, (lo, hi) in flat.isolate_reports:
            a, b = index_range(lo, hi)
            for rep in inner:
                if a <= k <= b or not rep.kept:
                    out.append(rep)
                else:
                    out.append(ScopeReport(rep.label, rep.priority, rep.tokens, False, "parent dropped"))
        return out
