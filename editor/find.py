"""Find and replace (Ctrl+F, Ctrl+H) and go to line (Ctrl+G). Pure functions find the matches; the bar under the
code view moves the selection between them and replaces them, each replacement one undo step."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.widgets.text_area import Selection

from editor.editing import EditorArea
from engine.edit_apply import text_replacement

Span = tuple[int, int]


def compile_query(query: str, case: bool, regex: bool) -> re.Pattern[str]:
    """The pattern the find bar searches with; re.error for a bad regular expression."""
    return re.compile(query if regex else re.escape(query), 0 if case else re.IGNORECASE)


def find_matches(text: str, pattern: re.Pattern[str]) -> list[Span]:
    """The (start, end) indexes of every non-empty match in `text`."""
    return [match.span() for match in pattern.finditer(text) if match.end() > match.start()]


def pick_match(matches: list[Span], start: int, end: int, forward: bool) -> int | None:
    """The match to go to from the selection [start, end): the first after it (forward) or the last before it,
    wrapping around; None when there are none."""
    if not matches:
        return None
    if forward:
        after = [number for number, span in enumerate(matches) if span[0] >= end and span != (start, end)]
        return after[0] if after else 0
    before = [number for number, span in enumerate(matches) if span[0] < start]
    return before[-1] if before else len(matches) - 1


def parse_line_target(text: str, line_count: int) -> tuple[int, int] | None:
    """ "12" or "12:5" (1-based) as a (row, column) location inside the document; None when it is not a number."""
    parts = text.strip().split(":")
    if not parts[0].isdigit() or len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
        return None
    row = min(max(int(parts[0]), 1), max(line_count, 1)) - 1
    column = int(parts[1]) - 1 if len(parts) == 2 and int(parts[1]) > 0 else 0
    return row, column


class GoToLine(ModalScreen[str]):
    """Asks for a line (or line:column) to go to; Esc cancels."""

    DEFAULT_CSS = """
    GoToLine { align: center top; }
    GoToLine > Vertical { width: 40; height: auto; margin-top: 2; border: thick $accent; background: $surface; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, line_count: int) -> None:
        super().__init__()
        self._lines = line_count

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Go to line (1-{self._lines}, or line:column)")
            yield Input(id="line", restrict=r"[0-9:]*")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss("")


class FindBar(Vertical):
    """The find / replace bar: Enter or F3 next, Shift+F3 previous, Alt+C case, Alt+R regex; in the replace box
    Enter replaces the current match, Alt+A all of them; Esc closes."""

    DEFAULT_CSS = """
    FindBar { height: auto; display: none; background: $panel; }
    FindBar.-open { display: block; }
    FindBar Horizontal { height: 1; }
    FindBar Input { width: 1fr; }
    FindBar #find-info { width: 28; padding: 0 1; color: $text-muted; }
    FindBar #replace-row { display: none; }
    FindBar.-replace #replace-row { display: block; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("f3", "step(True)", "Next", show=False),
        Binding("shift+f3", "step(False)", "Previous", show=False),
        Binding("alt+c", "toggle_case", "Case", show=False),
        Binding("alt+r", "toggle_regex", "Regex", show=False),
        Binding("alt+a", "replace_all", "Replace all", show=False),
    ]

    def __init__(self, target: Callable[[], EditorArea], id: str | None = None) -> None:
        super().__init__(id=id)
        self._target = target
        self.case = False
        self.regex = False

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="Find", id="find-query", compact=True)
            yield Static("", id="find-info")
        with Horizontal(id="replace-row"):
            yield Input(placeholder="Replace with", id="find-replace", compact=True)
            yield Static("Enter one · Alt+A all", id="replace-info")

    @property
    def query_input(self) -> Input:
        """The find box."""
        return self.query_one("#find-query", Input)

    def open(self, replace: bool = False) -> None:
        """Show the bar (with the replace box when `replace`), seeded with the selected text."""
        area = self._target()
        selected = area.selected_text
        if selected and "\n" not in selected:
            self.query_input.value = selected
        self.add_class("-open")
        self.set_class(replace, "-replace")
        (self.query_one("#find-replace", Input) if replace else self.query_input).focus()
        self._show_count()

    def action_close(self) -> None:
        """Hide the bar and give the focus back to the code."""
        self.remove_class("-open")
        self._target().focus()

    def _pattern(self) -> re.Pattern[str] | None:
        query = self.query_input.value
        if not query:
            self._info("")
            return None
        try:
            return compile_query(query, self.case, self.regex)
        except re.error as exc:
            self._info(f"bad regex: {exc.msg}")
            return None

    def _info(self, text: str) -> None:
        flags = ("Aa " if self.case else "") + (".* " if self.regex else "")
        self.query_one("#find-info", Static).update(f"{flags}{text}")

    def _show_count(self) -> None:
        pattern = self._pattern()
        if pattern is not None:
            count = len(find_matches(self._target().text, pattern))
            self._info(f"{count} match{'es' if count != 1 else ''}" if count else "no match")

    def action_step(self, forward: bool = True) -> None:
        """Select the next (or previous) match in the code view."""
        area, pattern = self._target(), self._pattern()
        if pattern is None:
            return
        matches = find_matches(area.text, pattern)
        start, end = sorted((area.selection.start, area.selection.end))
        number = pick_match(matches, area.index_of(start), area.index_of(end), forward)
        if number is None:
            self._info("no match")
            return
        first, last = matches[number]
        area.selection = Selection(area.location_of(first), area.location_of(last))
        area.scroll_cursor_visible(center=True)
        self._info(f"{number + 1} of {len(matches)}")

    def action_toggle_case(self) -> None:
        """Match case or not."""
        self.case = not self.case
        self._show_count()

    def action_toggle_regex(self) -> None:
        """Read the query as a regular expression or as plain text."""
        self.regex = not self.regex
        self._show_count()

    def replace_current(self) -> None:
        """Replace the selected match (if the selection is one) and go to the next."""
        area, pattern = self._target(), self._pattern()
        if pattern is None:
            return
        start, end = sorted((area.selection.start, area.selection.end))
        match = pattern.fullmatch(area.get_text_range(start, end)) if start != end else None
        if match is not None:
            replacement = self.query_one("#find-replace", Input).value
            area.replace(match.expand(replacement) if self.regex else replacement, start, end)
        self.action_step(True)

    def action_replace_all(self) -> None:
        """Replace every match as one undo step."""
        area, pattern = self._target(), self._pattern()
        if pattern is None:
            return
        replacement = self.query_one("#find-replace", Input).value
        text = area.text
        new, count = pattern.subn(replacement if self.regex else replacement.replace("\\", "\\\\"), text)
        if count:
            start, end, inserted = text_replacement(text, new)
            area.replace(inserted, start, end)
        self._info(f"replaced {count}")

    @on(Input.Changed, "#find-query")
    def _query_changed(self) -> None:
        self._show_count()

    @on(Input.Submitted, "#find-query")
    def _find_submitted(self) -> None:
        self.action_step(True)

    @on(Input.Submitted, "#find-replace")
    def _replace_submitted(self) -> None:
        self.replace_current()


def ask_line(app: App[None], code: EditorArea) -> None:
    """Ctrl+G: ask for a line (or line:column) and move the cursor in `code` there."""

    def answered(text: str | None) -> None:
        target = parse_line_target(text or "", code.document.line_count)
        if target is not None:
            code.move_cursor(target, center=True)
        code.focus()

    app.push_screen(GoToLine(code.document.line_count), answered)
