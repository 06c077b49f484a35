"""The pool against a real jedi-language-server on a fixture project of several modules."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

from engine.definitions import definition_context
from lsp.client import LanguageServerPool, ServerSpec, diagnostics_introduced
from lsp.client.types import DiagnosticSeverity
from prompts.items import ContextKind

PROJECT = Path(__file__).parent / "fixtures" / "project"
JEDI = ServerSpec("python", "jedi-language-server", file_extensions=(".py",), display_language="Python")
SLOW_S = 30.0  # generous waits: the first request includes the server's start on a busy machine


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    return root


@pytest.fixture
async def pool(project: Path):  # type: ignore[no-untyped-def]
    servers = LanguageServerPool(project, [JEDI])
    yield servers
    await servers.close()


def _position(text: str, line_containing: str, word: str) -> tuple[int, int]:
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line_containing in line)
    return number, lines[number].index(word)


def test_jedi_is_found_in_the_venv() -> None:
    venv_jedi = os.path.join(os.path.dirname(sys.executable), "jedi-language-server")
    assert os.path.exists(venv_jedi)


async def test_call_site_gets_callees_definition_from_another_module(project: Path, pool) -> None:
    app = str(project / "app.py")
    text = Path(app).read_text()
    line, _ = _position(text, "circle = make_circle", "make_circle")
    items = await definition_context(pool, app, text, "python", line, budget_s=SLOW_S)
    by_path = {item.path: item for item in items}
    assert set(by_path) >= {"shapes.py", "units.py"}
    shapes = by_path["shapes.py"]
    assert shapes.kind is ContextKind.DEFINITION and shapes.source == "jedi-language-server"
    # The whole function, cut by tree-sitter at the definition jedi pointed to.
    assert shapes.text.startswith("def make_circle(radius: float) -> Circle:")
    assert shapes.text.rstrip().endswith("return Circle(radius)")
    assert shapes.range is not None and shapes.range[1] - shapes.range[0] == len(shapes.text.splitlines())
    assert by_path["units.py"].text.startswith("def to_metres(")
    # Names defined inside describe() itself (circle, radius_feet) bring nothing.
    assert all(item.path != "app.py" or "def describe" not in item.text for item in items)
    assert len({(item.path, item.range) for item in items}) == len(items)


async def test_hover_references_symbols_and_emoji_line(project: Path, pool) -> None:
    app = str(project / "app.py")
    text = Path(app).read_text()
    await pool.open_document(app, text)
    line, column = _position(text, "📏📐", "to_metres")  # after two non-BMP characters
    hover = await pool.hover(app, line, column + 1, timeout_s=SLOW_S)
    assert hover is not None and "to_metres" in hover.text and "Feet to metres." in hover.text
    assert hover.range is not None and hover.range.start.character == column
    definition = await pool.definition(app, line, column, timeout_s=SLOW_S)
    assert [(Path(d.path).name, d.range.start.line) for d in definition] == [("units.py", 5)]
    references = await pool.references(app, line, column, timeout_s=SLOW_S)
    found = {(Path(r.path).name, r.range.start.line, r.range.start.character) for r in references}
    assert ("app.py", line, column) in found and ("units.py", 5, 4) in found
    symbols = await pool.document_symbols(app, timeout_s=SLOW_S)
    assert {"describe", "banner"} <= {s.name for s in symbols}


async def test_diagnostics_for_a_broken_file(project: Path, pool) -> None:
    broken = str(project / "broken.py")
    text = "def f(:\n    return 1\n"
    version = await pool.open_document(broken, text)
    diagnostics = await pool.wait_for_diagnostics(broken, version, timeout_s=SLOW_S)
    assert diagnostics, "jedi-language-server publishes syntax errors"
    assert diagnostics[0].severity is DiagnosticSeverity.ERROR and diagnostics[0].range.start.line == 0
    assert pool.diagnostics(broken) == diagnostics
    fixed = await pool.sync_document(broken, "def f():\n    return 1\n")
    assert await pool.wait_for_diagnostics(broken, fixed, timeout_s=SLOW_S) == []
    await pool.save_document(broken, "def f(:\n")  # save syncs the text first
    assert await pool.wait_for_diagnostics(broken, pool.document_version(broken), timeout_s=SLOW_S)
    await pool.close_document(broken)
    assert pool.document_version(broken) is None and pool.diagnostics(broken) == []


async def test_diagnostics_introduced_by_an_edit(project: Path, pool) -> None:
    units = str(project / "units.py")
    old = Path(units).read_text()
    new = old.replace("return feet / FEET_PER_METRE", "return feet / (FEET_PER_METRE")
    introduced = await diagnostics_introduced(pool, units, old, new, timeout_s=SLOW_S)
    assert len(introduced) == 1 and introduced[0].severity is DiagnosticSeverity.ERROR
    assert await diagnostics_introduced(pool, units, old, old.replace("Feet", "Foot"), timeout_s=SLOW_S) == []
    # The server was left at the old text.
    line, column = _position(old, "return feet", "FEET_PER_METRE")
    assert await pool.definition(units, line, column, timeout_s=SLOW_S)


async def test_killed_server_is_restarted_and_next_query_succeeds(project: Path, pool) -> None:
    app = str(project / "app.py")
    text = Path(app).read_text()
    line, column = _position(text, "circle = make_circle", "make_circle")
    await pool.open_document(app, text)
    assert await pool.definition(app, line, column, timeout_s=SLOW_S)
    status = pool.status_for(app)
    assert status is not None and status.pid is not None
    os.kill(status.pid, signal.SIGKILL)
    for _ in range(200):
        crashed = pool.status_for(app)
        if crashed is not None and crashed.state == "crashed":
            break
        await asyncio.sleep(0.05)
    assert crashed is not None and crashed.state == "crashed" and "exited" in crashed.message
    # Edited while down: the restarted server must get the current text (re-opened documents).
    text = text.replace("def describe(", "def describe_circle(")
    await pool.sync_document(app, text)
    hover = await pool.hover(app, *_position(text, "def describe_circle", "describe_circle"), timeout_s=SLOW_S)
    assert hover is not None and "describe_circle" in hover.text
    restarted = pool.status_for(app)
    assert restarted is not None and restarted.state == "running" and restarted.restarts == 1
    assert restarted.pid not in (None, status.pid)


async def test_close_leaves_no_child_process(project: Path) -> None:
    pool = LanguageServerPool(project, [JEDI])
    app = str(project / "app.py")
    await pool.open_document(app, Path(app).read_text())
    assert await pool.document_symbols(app, timeout_s=SLOW_S)
    status = pool.status_for(app)
    assert status is not None and status.pid is not None
    await pool.close()
    assert not Path(f"/proc/{status.pid}").exists()  # exited and reaped: not even a zombie
    assert pool.status_for(app).state == "closed"  # type: ignore[union-attr]
    assert await pool.hover(app, 0, 0) is None


async def test_answer_arriving_after_the_budget_fills_the_cache(project: Path, pool) -> None:
    app = str(project / "app.py")
    text = Path(app).read_text()
    await pool.open_document(app, text)
    line, column = _position(text, "circle = make_circle", "make_circle")
    # No wait at all: the server is not even up yet, so nothing can have arrived.
    assert await pool.definition(app, line, column, timeout_s=0) == []
    for _ in range(600):  # the same zero-wait call returns the answer once the background request lands
        locations = await pool.definition(app, line, column, timeout_s=0)
        if locations:
            break
        await asyncio.sleep(0.05)
    assert [(Path(loc.path).name, loc.range.start.line) for loc in locations] == [("shapes.py", 15)]
