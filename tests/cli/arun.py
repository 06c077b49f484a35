"""Run caret as a user does, without blocking the event loop: for tests whose model server runs on that loop."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def clean_env(home: Path) -> dict[str, str]:
    """A user's environment with no key and no config of ours: config and caches live under `home`."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache")}


async def acaret(*args: str, cwd: Path, home: Path, timeout_s: float = 120.0) -> Ran:
    """`caret ARGS` in `cwd` as a subprocess; its output decoded."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", *args, cwd=cwd, env=clean_env(home),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return Ran(process.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace"))
