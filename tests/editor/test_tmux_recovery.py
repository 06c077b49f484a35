"""The real crash: caret's TUI in tmux, typed into, killed with SIGKILL, started again; the typed text is offered
back and restored into the buffer."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from editor.recovery import KEEP_AFTER_S
from engine.recovery import RECOVERY_DIR
from tests.editor.tmux import REPO, Tmux, until

SOURCE = "def f():\n    return 1\n"
TYPED = "# typed before the kill"


def test_kill_9_then_restart_offers_and_restores_the_typed_text(tmp_path: Path, tmux: Tmux) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "mod.py").write_text(SOURCE)
    env = {"HOME": str(tmp_path / "home"), "TERM": "xterm-256color", "PYTHONPATH": str(REPO)}
    command = f"{sys.executable} -m app {workspace / 'mod.py'} --set completion.enabled=false --set lsp.enabled=false"

    tmux.start("first", command, env)
    assert until(lambda: "def f():" in tmux.screen("first"), 60), tmux.screen("first")
    tmux.run("send-keys", "-t", "first", "-l", TYPED)
    tmux.run("send-keys", "-t", "first", "Enter")
    assert until(lambda: TYPED in tmux.screen("first"), 10), tmux.screen("first")
    time.sleep(KEEP_AFTER_S + 1)
    assert until(lambda: any((workspace / RECOVERY_DIR).glob("*.json")), 10)
    pid = tmux.pid("first")
    os.kill(pid, signal.SIGKILL)  # no chance to save, clean up, or ask anything
    assert until(lambda: "first" not in tmux.run("list-sessions"), 10)
    assert (workspace / "mod.py").read_text() == SOURCE  # the typed text was never saved

    tmux.start("second", command, env)
    assert until(lambda: "Recover unsaved changes to mod.py" in tmux.screen("second"), 60), tmux.screen("second")
    tmux.run("send-keys", "-t", "second", "r")
    assert until(lambda: "recovered unsaved changes to mod.py" in tmux.screen("second"), 10), tmux.screen("second")
    screen = tmux.screen("second")
    assert TYPED in screen and "def f():" in screen
    assert (workspace / "mod.py").read_text() == SOURCE  # restored into the buffer, unsaved
