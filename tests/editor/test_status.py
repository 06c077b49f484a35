"""Engine events reach the status line (no polling): a model that cannot load, a language server that is missing."""

from __future__ import annotations

from pathlib import Path

from editor.app import CaretApp
from engine.session import Session
from tests.editor.pilot import wait_for


def status(app: CaretApp) -> str:
    return str(app.query_one("#status").render())


async def test_a_model_that_cannot_load_shows_on_the_status_line(tmp_path: Path) -> None:
    path = tmp_path / "util.py"
    path.write_text("x = 1\n")
    flags = {"models.completion.provider": "openai", "models.completion.model": "m", "lsp.enabled": "false",
             "models.completion.base_url": "http://127.0.0.1:9/v1"}  # nothing listens on the discard port
    app = CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_for(lambda: "127.0.0.1:9" in status(app), pilot, 20), status(app)
        assert "\n" not in status(app).strip()
        assert str(app.query_one("#status-fields").render()).rstrip().endswith(" · m failed")  # the model, by name


async def test_a_missing_language_server_shows_on_the_status_line(tmp_path: Path) -> None:
    path = tmp_path / "main.go"
    path.write_text("package main\n\nfunc main() {}\n")
    flags = {"completion.enabled": "false", "lsp.servers.go.command": "caret-test-no-such-server"}
    session = Session.open(tmp_path, env={}, flags=flags)
    app = CaretApp(session, open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provide = session.definitions_provider()  # what a chat or an edit about the file asks first
        assert provide is not None
        await provide("main.go", path.read_text(), 2, 1.0)
        assert await wait_for(lambda: "caret-test-no-such-server" in status(app), pilot, 10), status(app)
        fields = lambda: str(app.query_one("#status-fields").render())  # noqa: E731
        assert await wait_for(lambda: "lsp missing" in fields(), pilot, 10), fields()  # asked when the file opened


async def test_the_status_bar_shows_the_file_its_language_and_the_cursor_as_it_moves(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("def area(radius):\n    return 3.14 * radius ** 2\n")
    (tmp_path / "notes.md").write_text("# notes\n")
    flags = {"completion.enabled": "false", "lsp.enabled": "false"}
    app = CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=tmp_path / "util.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        fields = lambda: str(app.query_one("#status-fields").render()).rstrip()  # noqa: E731  (a shorter text keeps its width)
        assert fields() == "util.py · python · 1:1", fields()
        await pilot.press("down", "end")
        assert fields() == "util.py · python · 2:30", fields()
        app.open_file(tmp_path / "notes.md")  # another tab: its own file, language and cursor
        await pilot.pause()
        assert fields() == "notes.md · markdown · 1:1", fields()
        await pilot.press("ctrl+tab")
        assert fields() == "util.py · python · 2:30", fields()
        assert status(app) == "util.py"  # the news: the tab switched to
