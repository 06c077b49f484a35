"""@-mention autocomplete in the chat question box: the `@word` being typed at the cursor (pure), the dropdown of
candidates above the box, and the box itself (Up/Down move, Tab/Enter insert, Esc closes the dropdown only)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.actions import SkipAction
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, OptionList

from engine.mention_complete import MentionCandidate

# As context/mentions.py reads them: a mention starts the text or follows whitespace or an opening bracket/quote;
# these characters end an unquoted one.
_OPENERS = "([{\"'"
_STOPS = frozenset("`\"'<>(){}[],;@")


def mention_at_cursor(text: str, cursor: int) -> tuple[int, str] | None:
    """The mention being typed just before `cursor`: (index of its '@', what follows the '@' up to the cursor,
    without the opening quote of `@"a path"`); None when the cursor is not in one."""
    head = text[:cursor]
    at = head.rfind("@")
    if at < 0 or (at > 0 and not (head[at - 1].isspace() or head[at - 1] in _OPENERS)):
        return None
    typed = head[at + 1:]
    if typed.startswith('"'):  # @"a path with spaces: open until its closing quote
        rest = typed[1:]
        return None if '"' in rest or "\n" in rest else (at, rest)
    if any(ch.isspace() or ch in _STOPS for ch in typed):
        return None
    return at, typed


def insert_mention(text: str, cursor: int, start: int, insert_text: str) -> tuple[str, int]:
    """`text` with the mention at `start` (through the end of the word under the cursor) replaced by `insert_text`
    ("@path"), quoted when it holds a space, and a space after unless it is a folder (its files come next).
    Returns the new text and cursor."""
    end = cursor
    while end < len(text) and not text[end].isspace():
        end += 1
    value = insert_text[1:] if insert_text.startswith("@") else insert_text
    token = f'@"{value}"' if " " in value else f"@{value}"
    tail = text[end:]
    if not token.endswith("/") and not tail[:1].isspace():
        token += " "
    return text[:start] + token + tail, start + len(token)


def candidate_prompt(candidate: MentionCandidate) -> Content:
    """One dropdown line: the label with its matched characters in bold, then its kind, dimmed."""
    label = Content(candidate.label)
    for pos in candidate.positions:
        label = label.stylize("bold underline", pos, pos + 1)
    return Content.assemble(label, (f"  {candidate.kind}", "dim"))


class MentionPicker(OptionList, can_focus=False):
    """The dropdown of @-mention candidates; the question box keeps the focus and drives it."""

    DEFAULT_CSS = """
    MentionPicker { display: none; height: auto; max-height: 8; border: none; padding: 0; background: $surface; }
    MentionPicker.-open { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="mentions")
        self.candidates: list[MentionCandidate] = []
        self.start = 0  # where the '@' being completed is in the question

    @property
    def is_open(self) -> bool:
        """True while the dropdown shows candidates."""
        return self.has_class("-open")

    def show(self, start: int, candidates: Sequence[MentionCandidate]) -> None:
        """List `candidates` for the mention at `start`, the best highlighted; none closes the dropdown."""
        self.start = start
        self.candidates = list(candidates)
        self.set_options([candidate_prompt(c) for c in self.candidates])
        self.highlighted = 0 if self.candidates else None
        self.set_class(bool(self.candidates), "-open")

    def close(self) -> None:
        """Hide the dropdown."""
        self.remove_class("-open")

    def move(self, delta: int) -> None:
        """Highlight the next (1) or previous (-1) candidate, wrapping around."""
        if self.candidates:
            self.highlighted = ((self.highlighted or 0) + delta) % len(self.candidates)

    @property
    def chosen(self) -> MentionCandidate | None:
        """The highlighted candidate."""
        index = self.highlighted
        return self.candidates[index] if index is not None and index < len(self.candidates) else None


class MentionInput(Input):
    """The question box: while the dropdown is open, Up/Down move in it, Tab/Enter insert the highlighted mention
    and Esc closes it; otherwise the keys do what they always do (Enter asks, Tab moves the focus, Esc stops)."""

    BINDINGS = [
        Binding("down", "mention_move(1)", show=False),
        Binding("up", "mention_move(-1)", show=False),
        Binding("tab", "mention_insert", show=False),
        Binding("enter", "mention_insert(True)", show=False),
        Binding("escape", "mention_close", show=False),
    ]

    def __init__(self, picker: MentionPicker, placeholder: str, id: str) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.picker = picker

    def _open_picker(self) -> MentionPicker:
        if not self.picker.is_open:
            raise SkipAction()  # the key's usual binding (parents' Tab, Esc, ...) runs instead
        return self.picker

    def action_mention_move(self, delta: int) -> None:
        self._open_picker().move(delta)

    async def action_mention_insert(self, submit: bool = False) -> None:
        if submit and not self.picker.is_open:
            await self.action_submit()
            return
        self.insert_candidate(self._open_picker().chosen)

    def action_mention_close(self) -> None:
        self._open_picker().close()

    def insert_candidate(self, candidate: MentionCandidate | None) -> None:
        """Put `candidate` in place of the mention being typed and close the dropdown."""
        self.picker.close()
        if candidate is not None:
            self.value, self.cursor_position = insert_mention(
                self.value, self.cursor_position, self.picker.start, candidate.insert_text)
