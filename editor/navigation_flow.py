"""Language intelligence in the TUI: F12 goes to the definition (opening its file in a tab), Shift+F12 lists the
references in a picker, F9 shows the hover text, F8 lists the problems (which are also fetched without asking:
editor/status_flow.py). The language servers answer through engine/navigation.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from editor.hover_card import HoverCard
from editor.problems_panel import ProblemsPanel, refresh_problems
from editor.status_flow import cursor_moved, show_found
from engine.navigation import Place, Problem, definitions, hover, problems, references

if TYPE_CHECKING:
    from editor.app import CaretApp
    from engine.session import Session

Query = Callable[["Session", str, str, int, int], Awaitable[object]]


def _ask(app: CaretApp, query: Query, done: Callable[[object], None], what: str) -> None:
    """Run `query` at the active buffer's cursor off the key handler; `done` gets its answer."""
    rel = app.rel_path
    if not rel:
        app.set_status(f"{what}: save the buffer to a file first")
        return
    line, column = app.code.cursor_location
    text = app.code.text

    async def run() -> None:
        app.set_status(f"{what}…")
        done(await query(app.session, rel, text, line, column))

    app.run_worker(run(), group="navigation", exclusive=True)


def go_to(app: CaretApp, place: Place) -> None:
    """Open `place`'s file (in its tab, or a new one) with the cursor on it."""

    def move() -> None:
        app.code.move_cursor((place.line, place.column), center=True)
        app.set_status(f"{app.rel_path}:{place.line + 1}")
        cursor_moved(app, app.code.cursor_location)  # a tab mounted just now posts no SelectionChanged for this

    app.open_file(place.path, then=move)


def go_to_definition(app: CaretApp) -> None:
    """F12: the definition of the symbol at the cursor, opened in a tab."""

    def done(places: object) -> None:
        found = places if isinstance(places, list) else []
        if not found:
            app.set_status("no definition found")
        else:
            go_to(app, found[0])

    _ask(app, definitions, done, "definition")


def place_label(app: CaretApp, place: Place) -> str:
    """How the picker lists a place: its workspace path, line and the line's text."""
    try:
        rel = app.session.relative_path(place.path)
        line = place.path.read_text(errors="replace").split("\n")[place.line].strip()
    except (OSError, IndexError, ValueError):
        rel, line = str(place.path), ""
    return f"{rel}:{place.line + 1}  {line}"


def find_references(app: CaretApp) -> None:
    """Shift+F12: every reference of the symbol at the cursor, in a picker (the command palette's search)."""

    def done(places: object) -> None:
        found = [p for p in places if isinstance(p, Place)] if isinstance(places, list) else []
        if not found:
            app.set_status("no references found")
            return
        app.set_status(f"{len(found)} references")
        app.search_commands([(place_label(app, p), partial(go_to, app, p)) for p in found], placeholder="References…")

    _ask(app, references, done, "references")


def show_hover(app: CaretApp) -> None:
    """F9: the hover text (signature, docs) of the symbol at the cursor, as a card at the cursor; its first line also
    on the status line."""
    code = app.code

    def done(text: object) -> None:
        if isinstance(text, str) and text.strip():
            app.query_one(HoverCard).show_at(text, code.cursor_screen_offset, code.content_region)
            app.set_status(text.strip().split("\n", 1)[0][:200])
        else:
            app.set_status("nothing to show here")

    _ask(app, hover, done, "hover")


def show_problems(app: CaretApp) -> None:
    """F8: the problems panel, listing every open file's problems (its title counts them); the active buffer's are
    fetched now. F8 in the open panel closes it."""
    panel = app.query_one(ProblemsPanel)
    if panel.is_open and panel.has_focus_within:
        panel.action_close()
        return
    buffer = app.buffer

    def done(found: object) -> None:
        listed = [p for p in found if isinstance(p, Problem)] if isinstance(found, list) else []
        show_found(app, buffer, listed)  # marks in the code, counts on the status bar, the panel's rows
        refresh_problems(app)
        app.set_status(problem_count(listed))
        panel.open()

    async def in_file(session: Session, rel: str, text: str, line: int, column: int) -> list[Problem]:
        return await problems(session, rel, text)  # the whole file's, wherever the cursor is

    _ask(app, in_file, done, "problems")


def problem_count(found: list[Problem]) -> str:
    """"2 errors, 1 other problem" (or "no problems"): what F8 found in the active buffer."""
    if not found:
        return "no problems"
    errors = sum(p.severity == "error" for p in found)
    others = len(found) - errors
    return f"{errors} error{'s' if errors != 1 else ''}, {others} other problem{'s' if others != 1 else ''}"


def problem_label(problem: Problem) -> str:
    """How the problems picker lists one: line:column severity: message."""
    return f"{problem.line + 1}:{problem.column + 1} {problem.severity}: {problem.message}"


def _at(problem: Problem) -> Place:
    return Place(problem.path, problem.line, problem.column)
