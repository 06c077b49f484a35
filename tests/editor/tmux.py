"""A private tmux server for tests that run caret's real TUI in a real terminal and read its screen."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Tmux:
    """One private tmux server (its own socket), so a test never touches the user's sessions."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def start(self, name: str, command: str, env: dict[str, str], size: tuple[int, int] = (120, 30)) -> None:
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        width, height = size
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 f"cd {REPO} && exec env {exports} {command}")

    def screen(self, name: str, escapes: bool = False) -> str:
        """The pane's text; with `escapes`, the SGR colour/style sequences too (capture-pane -e)."""
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []), "-t", name)

    def keys(self, name: str, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", name, *(["-l"] if literal else []), *keys)

    def pid(self, name: str) -> int:
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())


def until(predicate: Callable[[], bool], timeout: float) -> bool:
    """Poll `predicate` every 0.2 s until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()

