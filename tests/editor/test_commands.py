"""The command palette (F1) lists caret's commands with their keys, and runs the one picked."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from editor.app import CaretApp
from editor.commands import caret_commands
from editor.editing import EditorArea
from engine.session import Session
from tests.editor.pilot import wait_for


def test_every_bound_action_is_one_entry_and_the_palette_is_not_listed() -> None:
    names = {command.binding.action: command.name for command in caret_commands(CaretApp.BINDINGS,
                                                                                 EditorArea.BINDINGS)}
    assert names["go_to_definition"] == "Definition"
    assert names["toggle_comment"] == "Comment"
    assert names["save"] == "Save"
    assert "command_palette" not in names


async def palette_with(app: CaretApp, pilot: Pilot[None], typed: str) -> Screen[object]:
    """F1 from the code view, `typed` into the palette; the palette's screen."""
    assert await wait_for(lambda: app.code.has_focus, pilot, 10)
    await pilot.press("f1")
    assert await wait_for(lambda: isinstance(app.screen, CommandPalette), pilot, 5), app.screen
    await pilot.press(*typed)
    return app.screen


async def test_f1_finds_go_to_definition_shows_its_key_and_enter_runs_it(tmp_path: Path) -> None:
    path = tmp_path / "util.py"
    path.write_text("def area(w):\n    return w\n\nprint(area(2))\n")
    flags = {"completion.enabled": "false", "lsp.enabled": "false"}
    app = CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        palette = await palette_with(app, pilot, "defin")
        assert await wait_for(lambda: "f12" in _options(palette).lower(), pilot, 5), _options(palette)
        assert "Definition" in _options(palette)
        await pilot.press("enter")
        assert await wait_for(lambda: "definition" in status(app), pilot, 10), status(app)  # no server: it says so


async def test_an_editor_command_runs_on_the_active_buffer(tmp_path: Path) -> None:
    path = tmp_path / "util.py"
    path.write_text("x = 1\n")
    flags = {"completion.enabled": "false", "lsp.enabled": "false"}
    app = CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        palette = await palette_with(app, pilot, "comment")
        assert await wait_for(lambda: "Comment" in _options(palette), pilot, 5), _options(palette)
        await pilot.press("enter")
        assert await wait_for(lambda: app.code.text.startswith("# x = 1"), pilot, 5), app.code.text


def status(app: CaretApp) -> str:
    return str(app.query_one("#status").render())


def _options(palette: object) -> str:
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(OptionList)
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
