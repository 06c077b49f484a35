"""Run caret as a user does: a subprocess in a clean environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def caret(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "XDG_CONFIG_HOME": str(cwd / ".config")}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
