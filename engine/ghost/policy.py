"""When to ask the model at all, and answers that need no model: pure rules over the text around the cursor.

- Mid-line, a suggestion is only asked for when the rest of the line is closing brackets, quotes, punctuation or
  whitespace (as Copilot and VS Code do): anything else would be accepted into the middle of the code.
- Recent completions are kept by the text before the cursor: a repeat is answered at once, and while the user
  types characters that match the suggestion shown, the rest of it is answered with no new request.
- Token healing by prompt back-off: mid-word (or after a space), the prompt stops before the word and the one space
  ahead of it, and the completion must begin with them (stripped from what is shown), so "pri" completes to "nt("
  of "print(" and "return " to "value" rather than whatever follows an odd token boundary. A prefix filter, not a
  logits constraint. At the end of a line, a completion that goes on to a new line is kept: the typed word ends the
  line.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

CLOSERS = set(")]}>\"'`;:,. \t")
MAX_HEALED_WORD = 24  # a longer "word" is data (a hash, a long literal): not worth backing up over


def may_suggest_mid_line(line_suffix: str) -> bool:
    """True when the rest of the cursor's line is only closers, quotes, punctuation or whitespace."""
    return all(ch in CLOSERS for ch in line_suffix)


def partial_word(line_prefix: str, line_suffix: str) -> str:
    """The identifier being typed at the cursor ("pri" in "    pri"), or "" when the cursor is not at its end."""
    if line_suffix[:1].isalnum() or line_suffix[:1] == "_":
        return ""
    n = len(line_prefix)
    start = n
    while start > 0 and (line_prefix[start - 1].isalnum() or line_prefix[start - 1] == "_"):
        start -= 1
    word = line_prefix[start:]
    return word if 0 < len(word) <= MAX_HEALED_WORD else ""


def healed_span(line_prefix: str, line_suffix: str) -> str:
    """What token healing backs the prompt up over: the partial word and the one space before it (" bou" in
    "return bou", " " in "return "), as tokenizers join a space to the word after it; a prompt ending in a space
    makes small models answer "0" (measured: bench/ghost_quality.py). Indentation is never backed over."""
    if line_suffix[:1].isalnum() or line_suffix[:1] == "_":
        return ""
    word = partial_word(line_prefix, line_suffix)
    before = line_prefix[: len(line_prefix) - len(word)]
    if before.endswith(" ") and before[:-1].strip() and not before[-2:-1].isspace():
        return " " + word
    return word


@dataclass(frozen=True)
class Healed:
    """What a healed completion shows so far: `text` (partial word stripped), or `rejected` when it diverged."""

    text: str
    rejected: bool = False
    pending: bool = False  # still inside the typed word: nothing to show yet


def heal(completion: str, word: str, line_end: bool = False) -> Healed:
    """A completion from the backed-off prompt, checked against the typed `word` and stripped of it. At the end of
    a line (`line_end`), a completion that starts a new line takes the typed word as complete: the model ended the
    line even before the word, so what it writes on the next lines stands (the line is not retyped). The space
    that healing backed over is optional: "2)" after "add(1, " is kept as it is."""
    if line_end and word and completion.startswith("\n"):
        return Healed(completion)
    if completion and word.startswith(" ") and not completion.startswith(" "):
        word = word[1:]  # the model went on without the space: the user's typed space stays, the rest must match
    if completion.startswith(word):
        return Healed(completion[len(word):])
    if word.startswith(completion):
        return Healed("", pending=True)
    return Healed("", rejected=True)


class CompletionCache:
    """Recent suggestions keyed by (path, text before the cursor, text after it); answers repeats and
    type-through without a model call."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, str, str], str] = OrderedDict()

    def put(self, path: str, before: str, after: str, completion: str) -> None:
        """Remember `completion` shown with `before`/`after` around the cursor ("" answers are kept too)."""
        key = (path, before, after)
        self._entries[key] = completion
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def get(self, path: str, before: str, after: str) -> str | None:
        """The rest of a cached suggestion for this cursor: an exact repeat, or typed-through characters that match
        a suggestion shown earlier on the same text after the cursor; None when nothing applies."""
        exact = self._entries.get((path, before, after))
        if exact is not None:
            return exact
        for (p, b, a), completion in reversed(self._entries.items()):
            if p != path or a != after or not completion or len(before) <= len(b):
                continue
            typed = len(before) - len(b)
            if typed < len(completion) and before.startswith(b) and completion.startswith(before[len(b):]):
                return completion[typed:]
        return None
