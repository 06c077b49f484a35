"""Language-server faults with a fake server: hangs, stderr floods, failed starts, missing servers,
and position encodings at the protocol boundary (the fake server mirrors documents in its own units)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from common.priority import BACKGROUND_NICE
from lsp.client import LanguageServerPool, Position, Range, ServerSpec, TextChange

FAKE_SERVER = str(Path(__file__).parent / "fixtures" / "fake_server.py")


def fake_spec(mode: str, encoding: str = "utf-16", offered: tuple[str, ...] | None = None) -> ServerSpec:
    return ServerSpec(
        language="fake",
        command=sys.executable,
        args=(FAKE_SERVER, "--mode", mode, "--encoding", encoding),
        file_extensions=(".fake",),
        display_language="Fake",
        name=f"fake-{mode}",
        position_encodings=offered or (encoding,),
    )


def children_of_this_process() -> set[int]:
    children = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The ppid is the 2nd field after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            children.add(int(entry))
    return children


async def test_hung_server_times_out_within_budget_and_close_kills_it(tmp_path: Path) -> None:
    before = children_of_this_process()
    path = str(tmp_path / "a.fake")
    pool = LanguageServerPool(tmp_path, [fake_spec("hang")], request_timeout_s=0.5)
    await pool.open_document(path, "hello world\n")
    # First call starts the server; the request itself is never answered.
    assert await pool.hover(path, 0, 1, timeout_s=5.0) is None
    assert "no answer to textDocument/hover within 0.5 s" in pool.last_error
    status = pool.status_for(path)
    assert status is not None and status.state == "running" and status.pid is not None
    if sys.platform.startswith("linux"):  # background work: below the editor's priority (common/priority.py)
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, status.pid) == min(19, ours + BACKGROUND_NICE)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await pool.definition(path, 0, 7, timeout_s=0.05) == []
    assert loop.time() - started < 0.45  # the caller's budget, not the request's own timeout, ended the wait
    await pool.close()  # the server ignores shutdown and exit: it must be killed, then reaped
    assert not Path(f"/proc/{status.pid}").exists()
    assert children_of_this_process() <= before


async def test_server_flooding_stderr_still_answers(tmp_path: Path) -> None:
    path = str(tmp_path / "a.fake")
    pool = LanguageServerPool(tmp_path, [fake_spec("flood")], request_timeout_s=10)
    try:
        await pool.open_document(path, "x\n")
        for line in range(3):  # 3 x 256 KiB of stderr, far more than a pipe buffer
            hover = await pool.hover(path, line, 0, timeout_s=10)
            assert hover is not None and hover.text == "flood ok"
    finally:
        await pool.close()


async def test_server_that_exits_at_start_gives_a_status_line(tmp_path: Path) -> None:
    path = str(tmp_path / "a.fake")
    pool = LanguageServerPool(tmp_path, [fake_spec("exit")])
    try:
        await pool.open_document(path, "x\n")
        assert await pool.definition(path, 0, 0, timeout_s=10) == []
        status = pool.status_for(path)
        assert status is not None and status.state == "failed"
        assert "exited during start (code 3)" in status.message
        assert "cannot start here" in status.message
        # Backing off: the next call answers empty at once instead of respawning.
        assert await pool.hover(path, 0, 0, timeout_s=10) is None
    finally:
        await pool.close()


async def test_missing_server_gives_install_hint_and_empty_results(tmp_path: Path) -> None:
    spec = ServerSpec("go", "gopls-not-installed-here", file_extensions=(".go",), display_language="Go")
    pool = LanguageServerPool(tmp_path, [spec])
    path = str(tmp_path / "main.go")
    await pool.open_document(path, "package main\n")
    assert await pool.definition(path, 0, 9) == []
    assert await pool.hover(path, 0, 9) is None
    status = pool.status_for(path)
    assert status is not None and status.state == "missing"
    assert status.message == "no language server for Go: install gopls-not-installed-here"
    await pool.close()


async def test_unserved_file_type_is_ignored(tmp_path: Path) -> None:
    pool = LanguageServerPool(tmp_path, [fake_spec("echo")])
    assert await pool.open_document(str(tmp_path / "notes.txt"), "text") is None
    assert await pool.definition(str(tmp_path / "notes.txt"), 0, 0) == []
    assert pool.statuses()[0].state == "not started"
    await pool.close()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_incremental_sync_and_positions_across_non_bmp_characters(tmp_path: Path, encoding: str) -> None:
    path = str(tmp_path / "a.fake")
    pool = LanguageServerPool(tmp_path, [fake_spec("echo", encoding)])
    try:
        text = 'label = "😀é"\nvalue = 1\n'
        await pool.open_document(path, text)
        # Range edits after the emoji: the server must apply them in its own units.
        line0 = text.splitlines()[0]
        end = len(line0)
        await pool.edit_document(path, [TextChange(" + name", Range(Position(0, end), Position(0, end)))])
        await pool.sync_document(path, 'label = "😀é🎉" + name + other\nvalue = 1\n')  # a diffed edit
        hover = await pool.hover(path, 0, 'label = "😀é🎉" + name + other'.index("other") + 2, timeout_s=10)
        assert hover is not None and hover.text == 'label = "😀é🎉" + name + other'
        start = hover.text.index("other")
        assert hover.range == Range(Position(0, start), Position(0, start + len("other")))
        definition = await pool.definition(path, 0, hover.text.index("name") + 1, timeout_s=10)
        assert [d.range.start for d in definition] == [Position(0, hover.text.index("name"))]
        status = pool.status_for(path)
        assert status is not None and status.state == "running"
    finally:
        await pool.close()


async def test_preferred_encoding_is_negotiated(tmp_path: Path) -> None:
    # The fake server announces the encoding it was given whatever we offer; pygls-based servers pick
    # the first of ours they support. Either way, positions come back in caret's str indexes.
    path = str(tmp_path / "a.fake")
    pool = LanguageServerPool(tmp_path, [fake_spec("echo", "utf-8", offered=("utf-32", "utf-16", "utf-8"))])
    try:
        await pool.open_document(path, "é😀 word\n")
        hover = await pool.hover(path, 0, 4, timeout_s=10)
        assert hover is not None and hover.range == Range(Position(0, 3), Position(0, 7))
    finally:
        await pool.close()
