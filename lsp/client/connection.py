"""One running language server: its process, JSON-RPC over stdio (lsp.client.pygls_adapter), initialize,
shutdown. stderr is drained by a task that keeps the last lines; the process's exit is watched here, and a
request waiting on a server that exits fails at once.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import os
import re
import signal
from collections.abc import Callable
from typing import Any

from lsprotocol.types import TextDocumentSyncKind

from common.priority import lower_priority
from lsp.client.positions import PositionEncoding, normalize_encoding
from lsp.client.pygls_adapter import JsonRpcEndpoint, JsonRpcException
from lsp.client.types import LspError, LspTimeout, ServerSpec
from lsp.client.uris import path_to_uri

STDERR_LINES_KEPT = 40
_ERROR_WORD = re.compile(r"\b(error|fatal|panic)\b", re.IGNORECASE)
NotificationHandler = Callable[[str, Any], None]


class ServerConnection:
    """A started server; `request` and `notify` speak to it, `close` ends it and reaps the process."""

    def __init__(self, spec: ServerSpec, executable: str, root: str, on_notification: NotificationHandler):
        self.spec = spec
        self.executable = executable
        self.root = root
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES_KEPT)
        self.position_encoding: PositionEncoding = normalize_encoding(None)
        self.sync_kind = TextDocumentSyncKind.Incremental
        self.save_includes_text = False
        self.capabilities: dict[str, Any] = {}
        self.returncode: int | None = None
        self.exited = asyncio.Event()
        self._on_notification = on_notification
        self._rpc = JsonRpcEndpoint()
        self._process: asyncio.subprocess.Process | None = None
        self._exit_waiter: asyncio.Future[Any] | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._ids = itertools.count(1)
        self._register_handlers()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        return self._process is not None and not self.exited.is_set()

    def last_stderr_line(self) -> str:
        """The most telling stderr line: the last one that mentions an error, else the last one."""
        lines = [line.strip() for line in self.stderr_tail if line.strip()]
        errors = [line for line in lines if _ERROR_WORD.search(line)]
        return (errors or lines or [""])[-1][:200]

    # -- start -------------------------------------------------------------------------------------------

    async def start(self, timeout_s: float) -> None:
        """Spawn the process and run initialize/initialized; raise LspError with one line on failure."""
        try:
            self._process = await asyncio.create_subprocess_exec(
                self.executable,
                *self.spec.args,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self.root,
                # Its own process group, so children it spawns (tsserver, ...) end with it.
                start_new_session=True,
            )
        except OSError as error:
            raise LspError(f"{self.spec.server_name} could not start: {error.strerror or error}") from None
        lower_priority(self._process.pid)  # background work: the editor's UI thread first (common/priority.py)
        assert self._process.stdin is not None and self._process.stdout is not None
        assert self._process.stderr is not None
        self._tasks = [
            self._rpc.attach(self._process.stdin, self._process.stdout),
            asyncio.create_task(self._watch_exit(self._process)),
            asyncio.create_task(self._drain_stderr(self._process.stderr)),
        ]
        self._exit_waiter = asyncio.ensure_future(self.exited.wait())
        try:
            result = await self.request("initialize", self._initialize_params(), timeout_s)
        except LspError as error:
            await self.close(grace_s=0.2)
            detail = self.last_stderr_line()
            if self.returncode is not None:
                message = f"{self.spec.server_name} exited during start (code {self.returncode})"
                raise LspError(f"{message}: {detail}" if detail else message) from None
            raise LspError(f"{error}{': ' + detail if detail else ''}") from None
        capabilities = result.get("capabilities", {}) if isinstance(result, dict) else {}
        self.capabilities = capabilities if isinstance(capabilities, dict) else {}
        self.position_encoding = normalize_encoding(self.capabilities.get("positionEncoding"))
        self._read_sync_options(self.capabilities.get("textDocumentSync"))
        self.notify("initialized", {})

    def _read_sync_options(self, sync: Any) -> None:
        if isinstance(sync, dict):
            change = sync.get("change", 0)
            save = sync.get("save")
            self.save_includes_text = isinstance(save, dict) and bool(save.get("includeText"))
        else:
            change = sync
        known = isinstance(change, int) and change in set(TextDocumentSyncKind)
        self.sync_kind = TextDocumentSyncKind(change) if known else TextDocumentSyncKind.None_

    def _initialize_params(self) -> dict[str, Any]:
        root_uri = path_to_uri(self.root)
        return {
            "processId": os.getpid(),
            "clientInfo": {"name": "caret", "version": "0.1.0"},
            "rootUri": root_uri,
            "rootPath": os.path.abspath(self.root),
            "workspaceFolders": self._workspace_folders(),
            "initializationOptions": self.spec.init_options,
            "capabilities": {
                "general": {"positionEncodings": list(self.spec.position_encodings)},
                "workspace": {"configuration": True, "workspaceFolders": True},
                "window": {"workDoneProgress": False},
                "textDocument": {
                    "synchronization": {"didSave": True, "dynamicRegistration": False},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "definition": {"linkSupport": True},
                    "typeDefinition": {"linkSupport": True},
                    "references": {},
                    "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": False},
                },
            },
        }

    def _workspace_folders(self) -> list[dict[str, str]]:
        root = os.path.abspath(self.root)
        return [{"uri": path_to_uri(root), "name": os.path.basename(root)}]

    def _register_handlers(self) -> None:
        folders = self._workspace_folders()
        # Requests a server may send us; each gets the plainest valid answer.
        answers: dict[str, Callable[[Any], Any]] = {
            "workspace/configuration": lambda params: [None] * len(_get(params, "items") or []),
            "workspace/workspaceFolders": lambda params: folders,
            "workspace/applyEdit": lambda params: {"applied": False},
            "client/registerCapability": lambda params: None,
            "client/unregisterCapability": lambda params: None,
            "window/workDoneProgress/create": lambda params: None,
            "window/showMessageRequest": lambda params: None,
            "window/showDocument": lambda params: {"success": False},
        }
        for method, answer in answers.items():
            self._rpc.on(method, answer)
        for method in (
            "textDocument/publishDiagnostics",
            "window/logMessage",
            "window/showMessage",
            "$/progress",
            "telemetry/event",
            "$/logTrace",
        ):
            self._rpc.on(method, self._notification_forwarder(method))

    def _notification_forwarder(self, method: str) -> Callable[[Any], None]:
        def forward(params: Any) -> None:
            self._on_notification(method, params)

        return forward

    async def _drain_stderr(self, stream: asyncio.StreamReader) -> None:
        partial = ""
        while True:
            try:
                chunk = await stream.read(65536)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                if partial:
                    self.stderr_tail.append(partial)
                return
            # Lines may span reads: keep the unfinished tail (bounded, for a server that never ends a line).
            lines = (partial + chunk.decode("utf-8", "replace")).split("\n")
            partial = lines.pop()[-4096:]
            self.stderr_tail.extend(line[:4096] for line in lines[-STDERR_LINES_KEPT:])

    async def _watch_exit(self, process: asyncio.subprocess.Process) -> None:
        self.returncode = await process.wait()
        self.exited.set()
        self._rpc.stop()

    # -- messages ----------------------------------------------------------------------------------------

    async def request(self, method: str, params: Any, timeout_s: float) -> Any:
        """Send a request and wait for its result; LspError (one line) on timeout, error, or exit."""
        if not self.alive:
            raise LspError(f"{self.spec.server_name} is not running")
        msg_id = next(self._ids)
        try:
            answer = asyncio.wrap_future(self._rpc.send_request(method, params, msg_id))
        except Exception as error:  # a closed pipe: the process is going away
            raise LspError(f"{self.spec.server_name}: {method} could not be sent: {error}") from None
        assert self._exit_waiter is not None
        # Not wait_for: cancelling pygls' future would make its late answer raise inside pygls' reader.
        try:
            await asyncio.wait({answer, self._exit_waiter}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._rpc.forget_request(msg_id)
            raise
        if not answer.done():
            self._rpc.forget_request(msg_id)
            if self.exited.is_set():
                raise LspError(f"{self.spec.server_name}: {method} failed: the server exited (code {self.returncode})")
            with contextlib.suppress(Exception):
                self.notify("$/cancelRequest", {"id": msg_id})
            raise LspTimeout(f"{self.spec.server_name}: no answer to {method} within {timeout_s:g} s")
        try:
            return answer.result()
        except JsonRpcException as error:
            raise LspError(f"{self.spec.server_name}: {method} failed: {error.message}") from None

    def notify(self, method: str, params: Any) -> None:
        if self.alive:
            with contextlib.suppress(Exception):
                self._rpc.notify(method, params)

    # -- stop --------------------------------------------------------------------------------------------

    async def close(self, grace_s: float = 1.0) -> None:
        """shutdown + exit, then wait; terminate and kill the process group after the grace period."""
        process = self._process
        if process is not None and self.alive:
            with contextlib.suppress(LspError):
                await self.request("shutdown", None, grace_s)
            self.notify("exit", None)
            if process.stdin is not None:
                with contextlib.suppress(Exception):
                    process.stdin.close()
        if process is not None:
            for sig in (None, signal.SIGTERM, signal.SIGKILL):
                if sig is not None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, sig)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), grace_s)
                    break
            # Children left in the group after the server itself exited (tsserver, ...).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            if process.returncode is not None:  # reaped: mark it even if the exit watcher is cancelled first
                self.returncode = process.returncode
                self.exited.set()
        self._rpc.stop()
        if self._exit_waiter is not None:
            self._exit_waiter.cancel()
        for task in self._tasks:
            if not task.done():
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []


def _get(params: Any, key: str) -> Any:
    if isinstance(params, dict):
        return params.get(key)
    return getattr(params, key, None)
