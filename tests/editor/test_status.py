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
