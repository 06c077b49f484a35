"""`caret lsp` with a real editor: Emacs 28 and eglot 1.9 (Debian's emacs-nox and elpa-eglot) in batch mode.
eglot 1.9 has no inline completion, so `completion-at-point` (the completion fallback) offers caret's suggestion;
"Edit with caret…" asks its instruction with window/showMessageRequest and edits the buffer through
workspace/applyEdit. A scripted OpenAI-compatible server plays the model (the words matter)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.test_server_features import SOURCE, answering, remote_flags
from tests.models.scripted_server import ScriptedServer

SCRIPT = Path(__file__).parent / "fixtures" / "emacs_eglot.el"
EMACS = shutil.which("emacs")
EDITED = "def add(a: int, b: int) -> int:\n    return a + b\n"


def eglot_available() -> bool:
    """Emacs with eglot 1.9 or later (Debian installs it under site-lisp/elpa, on the default load path)."""
    if EMACS is None:
        return False
    probe = subprocess.run([EMACS, "--batch", "--eval", "(princ (if (require 'eglot nil t) \"yes\" \"no\"))"],
                           capture_output=True, text=True, timeout=60, check=False)
    return probe.stdout.strip().endswith("yes")


@pytest.mark.slow
@pytest.mark.skipif(not eglot_available(), reason="needs emacs with eglot (apt-get install emacs-nox elpa-eglot)")
async def test_eglot_completes_and_edits_with_caret(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "calc.py").write_text(SOURCE)
    answering(scripted_server, ["```python\n" + EDITED + "```"], ["2)"])
    out = tmp_path / "result.json"
    env = {**os.environ, "CARET_WS": str(ws), "CARET_PY": sys.executable, "CARET_OUT": str(out),
           "CARET_FLAGS": "\n".join(remote_flags(scripted_server.url)), "HOME": str(tmp_path)}
    emacs = await asyncio.create_subprocess_exec(
        str(EMACS), "--batch", "-l", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env=env, cwd=Path(__file__).parents[2])
    try:
        # The line batch Emacs reads when eglot asks the server's showMessageRequest ("what should the edit do?").
        output, _ = await asyncio.wait_for(emacs.communicate(b"Add type hints\n"), 180)
    finally:
        if emacs.returncode is None:
            emacs.kill()
            await emacs.wait()
    assert emacs.returncode == 0, output.decode(errors="replace")
    result = json.loads(out.read_text())
    assert result["candidates"] == ["2)"]
    lines = result["after_completion"].split("\n")
    assert lines[4] == "result = add(1, 2)"  # the suggestion landed at the cursor
    assert result["after_edit"] == EDITED + "\n\nresult = add(1, 2)\n"  # lines 1-2 rewritten by applyEdit
    assert (ws / "calc.py").read_text() == SOURCE  # edited in the buffer, nothing written to disk
    [edit] = [r.json() for r in scripted_server.requests if r.method == "POST" and r.path.endswith("/chat/completions")]
    assert "Add type hints" in json.dumps(edit)
