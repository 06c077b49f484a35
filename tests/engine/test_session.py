"""The Session's own duties: paths, language-server status lines, buffers."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import WorkspaceError
from engine.session import Session


async def test_a_missing_language_server_is_a_status_line_not_an_error(tmp_path: Path) -> None:
    text = "package main\n\nfunc main() {}\n"
    (tmp_path / "main.go").write_text(text)
    session = Session.open(tmp_path, env={}, flags={"lsp.servers.go.command": "caret-test-no-such-server"})
    try:
        assert session.language_server_problem("main.go") == ""  # not asked yet
        provide = session.definitions_provider()
        assert provide is not None
        assert await provide("main.go", text, 2, 1.0) == []
        problem = session.language_server_problem("main.go")
        assert "caret-test-no-such-server" in problem and "\n" not in problem
    finally:
        await session.aclose()


def test_paths_outside_the_workspace_are_refused(tmp_path: Path) -> None:
    session = Session.open(tmp_path, env={})
    assert session.relative_path(tmp_path / "a" / "b.py") == "a/b.py"
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        session.relative_path(tmp_path.parent / "x.py")
    with pytest.raises(WorkspaceError):
        session.relative_path("../x.py")


async def test_unsaved_buffers_reach_the_index(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def old_name():\n    pass\n")
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"})
    try:
        await session._project.ready_index()
        session.buffer_changed("m.py", "def fresh_name():\n    pass\n")
        await session._project.flush_buffers()  # what chat and edits do before they read the index
        assert session._project.find_symbol("fresh_name")[0].path == "m.py"
        assert session._project.find_symbol("old_name") == []
    finally:
        await session.aclose()


async def test_a_keystroke_only_records_the_buffer(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def old_name():\n    pass\n")
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"})
    try:
        index = await session._project.ready_index()
        assert index is not None
        version = index.version
        for n in range(5):
            session.buffer_changed("m.py", f"def name_{n}():\n    pass\n")
        assert index.version == version  # no re-parse, no BM25/graph invalidation on the keystroke path
        await session._project.flush_buffers()
        assert session._project.find_symbol("name_4") and not session._project.find_symbol("name_3")
    finally:
        await session.aclose()
