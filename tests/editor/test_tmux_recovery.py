"""The real crash: caret's TUI in tmux, typed into, killed with SIGKILL, started again; the typed text is offered
back and restored into the buffer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from editor.recovery import KEEP_AFTER_S
from engine.recovery import RECOVERY_DIR

REPO = Path(__file__).resolve().parents[2]
SOURCE = "def f():\n    return 1\n"
TYPED = "# typed before the kill"

class Tmux:
    """One private tmux server (its own socket), so the test never touches the user's sessions."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def start(self, name: str, command: str, env: dict[str, str]) -> None:
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        self.run("new-session", "-d", "-s", name, "-x", "120", "-y", "30", f"cd {REPO} && exec env {exports} {command}")

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def pid(self, name: str) -> int:
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())


def until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    server = Tmux(f"caret-test-{os.getpid()}")
    yield server
    server.run("kill-server")


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
