"""The problems panel (F8): every open buffer's language-server problems in one list under the code, kept up to
date as they are fetched (editor/status_flow.py); Enter or a click goes to one, Escape closes the panel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.navigation import Place, Problem

if TYPE_CHECKING:
    from editor.app import CaretApp

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "hint": 3}
SEVERITY_MARK = {"error": "●", "warning": "▲"}


def problem_rows(files: Sequence[tuple[str, Sequence[Problem]]]) -> list[tuple[str, Place]]:
    """One row per problem, file by file in the order given, by line within a file: "path:line:col ● message"."""
    rows: list[tuple[str, Place]] = []
    for rel, found in files:
        for problem in sorted(found, key=lambda p: (p.line, p.column, SEVERITY_ORDER.get(p.severity, 4))):
            mark = SEVERITY_MARK.get(problem.severity, "·")
            message = " ".join(problem.message.split())  # one line per problem, whatever the server sent
            label = f"{rel}:{problem.line + 1}:{problem.column + 1} {mark} {problem.severity}: {message}"
            rows.append((label, Place(problem.path, problem.line, problem.column)))
    return rows


def summary(files: Sequence[tuple[str, Sequence[Problem]]]) -> str:
    """The panel's title line: how many errors and other problems, in how many files."""
    found = [problem for _, problems in files for problem in problems]
    if not found:
        return "Problems: none in the open files"
    errors = sum(problem.severity == "error" for problem in found)
    spread = len([rel for rel, problems in files if problems])
    where = f"{spread} file{'s' if spread != 1 else ''}"
    return f"Problems: {errors} error{'s' if errors != 1 else ''}, {len(found) - errors} other, in {where}"


class ProblemsPanel(Vertical):
    """A panel under the code listing the open buffers' problems; hidden until F8 opens it."""

    DEFAULT_CSS = """
    ProblemsPanel { display: none; height: auto; max-height: 30%; border-top: solid $primary; }
    ProblemsPanel.-open { display: block; }
    ProblemsPanel > Static { height: 1; color: $text-muted; }
    ProblemsPanel > OptionList { height: auto; max-height: 10; border: none; padding: 0; }
    ProblemsPanel > OptionList:focus { border: none; }
    """
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self, pick: Callable[[Place], None], closed: Callable[[], object], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._go, self._give_back = pick, closed  # go to a problem; give the focus back to the code
        self._places: list[Place] = []

    def compose(self) -> ComposeResult:
        yield Static("Problems", id="problems-title")
        yield OptionList(id="problems-list")

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self.has_class("-open")

    def show(self, files: Sequence[tuple[str, Sequence[Problem]]]) -> None:
        """List `files`' problems (kept while the panel is closed, so opening it shows the latest)."""
        rows = problem_rows(files)
        self._places = [place for _, place in rows]
        self.query_one("#problems-title", Static).update(summary(files))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(label) for label, _ in rows])
        if rows:
            options.highlighted = min(highlighted or 0, len(rows) - 1)

    def open(self) -> None:
        """Show the panel and put the focus on its list."""
        self.add_class("-open")
        self.query_one(OptionList).focus()

    def action_close(self) -> None:
        """Escape: hide the panel; the code view gets the focus back."""
        self.remove_class("-open")
        self._give_back()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._places):
            self._go(self._places[event.option_index])


def refresh_problems(app: CaretApp) -> None:
    """List the open buffers' latest problems in the app's panel (it keeps them while closed)."""
    files = [(app.session.relative_path(b.opened.path), b.problems) for b in app.buffers if b.opened is not None]
    app.query_one(ProblemsPanel).show(files)
