"""One language's server over its life: start on first need, restart after a crash with backoff, close."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from lsp.client.connection import NotificationHandler, ServerConnection
from lsp.client.specs import find_executable
from lsp.client.types import LspError, ServerSpec, ServerStatus

CRASH_MEMORY_S = 60.0  # a server that stayed up this long has its crash count forgiven


def backoff_s(failures: int) -> float:
    """Delay before the next start after `failures` consecutive failures: 0, then 1, 2, 4 ... 60 s."""
    return 0.0 if failures <= 1 else min(2.0 ** (failures - 2), 60.0)


class ServerSupervisor:
    """Starts the spec's server when asked, hands out its live connection, and watches it for exits.

    `on_started` runs right after initialize (the pool re-opens its documents there), before any
    request can reach the new server. `on_status` hears each state change (and "missing" on every ask).
    """

    def __init__(
        self,
        spec: ServerSpec,
        root: str,
        start_timeout_s: float,
        on_notification: NotificationHandler,
        on_started: Callable[[ServerConnection], None],
        on_status: Callable[[ServerStatus], None] | None = None,
    ) -> None:
        self.spec = spec
        self.root = root
        self.start_timeout_s = start_timeout_s
        self.executable = find_executable(spec.command)
        self.state = "not started"
        self.message = ""
        self.restarts = 0
        self.connection: ServerConnection | None = None
        self._on_notification = on_notification
        self._on_started = on_started
        self._on_status = on_status or (lambda status: None)
        self._start_task: asyncio.Task[ServerConnection] | None = None
        self._watchers: list[asyncio.Task[None]] = []
        self._failures = 0
        self._retry_at = 0.0
        self._started_at = 0.0
        self._closed = False
        if self.executable is None:
            self.state = "missing"
            self.message = f"no language server for {spec.title}: install {spec.command}"

    @property
    def live(self) -> ServerConnection | None:
        connection = self.connection
        return connection if connection is not None and connection.alive else None

    def status(self) -> ServerStatus:
        live = self.live
        return ServerStatus(
            language=self.spec.language,
            server=self.spec.server_name,
            state=self.state,
            message=self.message,
            pid=live.pid if live else None,
            restarts=self.restarts,
        )

    def kick(self) -> asyncio.Task[ServerConnection] | None:
        """Start (or restart) the server unless it is running, starting, missing, closed or backing off."""
        if self.state == "missing":
            self._on_status(self.status())
        if self._closed or self.state == "missing" or self.live is not None:
            return None
        if self._start_task is not None and not self._start_task.done():
            return self._start_task
        if asyncio.get_running_loop().time() < self._retry_at:
            return None
        self._start_task = asyncio.create_task(self._start())
        self._start_task.add_done_callback(_consume_exception)
        return self._start_task

    async def connection_ready(self) -> ServerConnection:
        """The live connection, starting the server first if needed; LspError (one line) when unavailable."""
        live = self.live
        if live is not None:
            return live
        task = self.kick()
        if task is None:
            raise LspError(self.message or f"{self.spec.server_name} is not running")
        # Shielded: a caller that stops waiting must not cancel a start other callers share.
        return await asyncio.shield(task)

    async def _start(self) -> ServerConnection:
        assert self.executable is not None
        loop = asyncio.get_running_loop()
        was_running = self._started_at > 0
        self.state, self.message = "starting", f"starting {self.spec.server_name}"
        connection = ServerConnection(self.spec, self.executable, self.root, self._on_notification)
        try:
            await connection.start(self.start_timeout_s)
        except asyncio.CancelledError:
            await connection.close(grace_s=0.2)
            raise
        except LspError as error:
            self._failures += 1
            self._retry_at = loop.time() + max(1.0, backoff_s(self._failures))
            self.state, self.message = "failed", str(error)
            self._on_status(self.status())
            raise
        if self._closed:
            await connection.close(grace_s=0.5)
            raise LspError("language servers are closed")
        self.connection = connection
        self._started_at = loop.time()
        self.restarts += int(was_running)
        self.state, self.message = "running", f"{self.spec.server_name} running (pid {connection.pid})"
        self._on_status(self.status())
        self._on_started(connection)
        self._watchers = [task for task in self._watchers if not task.done()]
        self._watchers.append(asyncio.create_task(self._watch(connection)))
        return connection

    async def _watch(self, connection: ServerConnection) -> None:
        await connection.exited.wait()
        if self._closed or self.connection is not connection:
            return
        loop = asyncio.get_running_loop()
        if loop.time() - self._started_at > CRASH_MEMORY_S:
            self._failures = 0
        self._failures += 1
        self._retry_at = loop.time() + backoff_s(self._failures)
        self.connection = None
        detail = connection.last_stderr_line()
        self.state = "crashed"
        self.message = f"{self.spec.server_name} exited (code {connection.returncode})" + (
            f": {detail}" if detail else ""
        )
        self._on_status(self.status())
        await connection.close(grace_s=0.2)  # reap it and end its reader tasks

    async def close(self) -> None:
        self._closed = True
        if self._start_task is not None and not self._start_task.done():
            self._start_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._start_task
        if self.connection is not None:
            await self.connection.close()
            self.connection = None
        for watcher in self._watchers:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        if self.state != "missing":
            self.state, self.message = "closed", f"{self.spec.server_name} closed"


def _consume_exception(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
