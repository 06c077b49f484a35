"""`caret doctor`'s language-server checks: for each language in the workspace, its server is found (PATH or the
venv), says its version when it has a `--version`, starts, and answers initialize."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from engine.doctor import Check
from engine.sources import server_specs
from lsp.client import LanguageServerPool, ServerSpec, ServerStatus
from lsp.client.specs import find_executable

if TYPE_CHECKING:
    from engine.session import Session

START_TIMEOUT_S = 30.0
VERSION_TIMEOUT_S = 10.0
_SETTLED = ("running", "failed", "crashed", "missing")


async def server_version(executable: str, timeout_s: float = VERSION_TIMEOUT_S) -> str:
    """The first line `executable --version` prints, or "" when it has no such flag (or hangs)."""
    try:
        process = await asyncio.create_subprocess_exec(
            executable, "--version", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, start_new_session=True,
        )
    except OSError:
        return ""
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return ""
    lines = [line.strip() for line in out.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[0][:80] if process.returncode == 0 and lines else ""


async def start_server(root: str, spec: ServerSpec, sample: str, timeout_s: float = START_TIMEOUT_S) -> ServerStatus:
    """Start the server the way an editing session does (a document opened in it) and wait until it runs or
    fails; it is closed again before this returns."""
    settled = asyncio.Event()
    seen: list[ServerStatus] = []

    def on_status(status: ServerStatus) -> None:
        seen.append(status)
        if status.state in _SETTLED:
            settled.set()

    pool = LanguageServerPool(root, [spec], start_timeout_s=timeout_s, on_status=on_status)
    try:
        text = await asyncio.to_thread(_read_text, sample)
        await pool.open_document(sample, text)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(settled.wait(), timeout_s + 1)
        status = seen[-1] if seen else pool.status_for(sample)
    finally:
        await pool.close()
    return status or ServerStatus(spec.language, spec.server_name, "failed", f"{spec.server_name}: no status")


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read(200_000)


async def check_language_server(root: str, spec: ServerSpec, sample: str) -> Check:
    """Found, its version, started and initialized, for one language's server; `sample` is a file it serves."""
    name = f"{spec.title} language server"
    configure = f"or set [lsp.servers.{spec.language}] command in .caret/config.toml"
    executable = find_executable(spec.command)
    if executable is None:
        return Check(name, False, f"{spec.command} not found on PATH or in caret's venv",
                     f"install {spec.command} {configure}; caret works on without it, from tree-sitter context")
    version = await server_version(executable)
    started = time.perf_counter()
    status = await start_server(root, spec, sample)
    elapsed = time.perf_counter() - started
    found = f"{executable}" + (f" ({version})" if version else "")
    if status.state != "running":
        detail = status.message or status.state
        return Check(name, False, f"{found}: did not start: {detail}", f"run `{spec.command}` by hand to see why, "
                     f"{configure}")
    return Check(name, True, f"{found}: started and initialized in {elapsed:.1f} s")


async def check_language_servers(session: Session, languages: dict[str, str]) -> list[Check]:
    """One check per server that serves a language found in the workspace ({language: a file in it})."""
    checks = []
    for spec in server_specs(session.config):
        served = [language for language in spec.languages or (spec.language,) if language in languages]
        if served:
            sample = str(session.root / languages[served[0]])
            checks.append(await check_language_server(str(session.root), spec, sample))
    return checks
