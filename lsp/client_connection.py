"""One running language server: its process, the pygls JSON-RPC client over stdio, initialize, shutdown.

pygls 2.1's client is used for framing and request bookkeeping, but with a converter that leaves messages
as plain JSON: results are parsed by lsp.client_results, so a server whose answers lsprotocol cannot
structure (python-lsp-server's initialize result, for one) still works. pygls' own start_io pipes stderr
without reading it, which blocks a chatty server; here stderr is drained by a task that keeps the last lines.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import os
import re
import signal
from collections.abc import Callable
from typing import Any

import cattrs
from pygls.client import JsonRPCClient
from pygls.exceptions import JsonRpcException
from pygls.io_ import run_async
from pygls.protocol import JsonRPCNotification, JsonRPCProtocol, JsonRPCRequestMessage, JsonRPCResponseMessage

from lsp.client_types import LspError, LspTimeout, ServerSpec
from lsp.positions import PositionEncoding, normalize_encoding

STDERR_LINES_KEPT = 40
_ERROR_WORD = re.compile(r"\b(error|fatal|panic)\b", re.IGNORECASE)
NotificationHandler = Callable[[str, Any], None]


class _LateAnswerFilter(logging.Filter):
    """Answers to requests we stopped waiting for are expected; pygls would warn about each one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Received response to unknown message id")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_LateAnswerFilter())


def _raw_converter() -> cattrs.Converter:
    """A converter that builds pygls' generic message classes and leaves params/results as plain JSON."""
    converter = cattrs.Converter()
    for cls in (JsonRPCRequestMessage, JsonRPCResponseMessage, JsonRPCNotification):
        converter.register_structure_hook(cls, lambda obj, cls: cls(**obj))
    return converter


class _StdioClient(JsonRPCClient):
    def __init__(self, on_exit: Callable[[int | None], None]) -> None:
        super().__init__(protocol_cls=JsonRPCProtocol, converter_factory=_raw_converter)
        self._on_exit = on_exit

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self._on_exit(server.returncode)


class ServerConnection:
    """A started server; `request` and `notify` speak to it, `close` ends it and reaps the process."""

    def __init__(self, spec: ServerSpec, executable: str, root: str, on_notification: NotificationHandler):
        self.spec = spec
        self.executable = executable
        self.root = root
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES_KEPT)
        self.position_encoding: PositionEncoding = "utf-16"
        self.sync_kind = 2  # 0 none, 1 full, 2 incremental
        self.save_includes_text = False
        self.capabilities: dict[str, Any] = {}
        self.returncode: int | None = None
        self.exited = asyncio.Event()
        self._on_notification = on_notification
        self._client = _StdioClient(self._process_exited)
        self._process: asyncio.subprocess.Process | None = None
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
        assert self._process.stdin is not None and self._process.stdout is not None
        assert self._process.stderr is not None
        self._client._server = self._process
        self._client.protocol.set_writer(self._process.stdin)
        self._tasks = [
            asyncio.create_task(
                run_async(
                    stop_event=self._client._stop_event,
                    reader=self._process.stdout,
                    protocol=self._client.protocol,
                    error_handler=self._client.report_server_error,
                )
            ),
            asyncio.create_task(self._client._server_exit()),
            asyncio.create_task(self._drain_stderr(self._process.stderr)),
        ]
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
        if isinstance(sync, int):
            self.sync_kind = sync
        elif isinstance(sync, dict):
            self.sync_kind = int(sync.get("change", 0) or 0)
            save = sync.get("save")
            self.save_includes_text = isinstance(save, dict) and bool(save.get("includeText"))
        else:
            self.sync_kind = 0

    def _initialize_params(self) -> dict[str, Any]:
        root_uri = f"file://{os.path.abspath(self.root)}"
        return {
            "processId": os.getpid(),
            "clientInfo": {"name": "caret", "version": "0.1.0"},
            "rootUri": root_uri,
            "rootPath": os.path.abspath(self.root),
            "workspaceFolders": [{"uri": root_uri, "name": os.path.basename(os.path.abspath(self.root))}],
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

    def _register_handlers(self) -> None:
        folders = [{"uri": f"file://{os.path.abspath(self.root)}", "name": os.path.basename(self.root)}]
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
            self._client.feature(method)(answer)
        for method in (
            "textDocument/publishDiagnostics",
            "window/logMessage",
            "window/showMessage",
            "$/progress",
            "telemetry/event",
            "$/logTrace",
        ):
            self._client.feature(method)(self._notification_forwarder(method))

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

    def _process_exited(self, returncode: int | None) -> None:
        self.returncode = returncode
        self.exited.set()

    # -- messages ----------------------------------------------------------------------------------------

    async def request(self, method: str, params: Any, timeout_s: float) -> Any:
        """Send a request and wait for its result; LspError (one line) on timeout, error, or exit."""
        if not self.alive:
            raise LspError(f"{self.spec.server_name} is not running")
        msg_id = next(self._ids)
        try:
            future = self._client.protocol.send_request(method, params, msg_id=msg_id)
        except Exception as error:  # a closed pipe: the process is going away
            raise LspError(f"{self.spec.server_name}: {method} could not be sent: {error}") from None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except TimeoutError:
            self._client.protocol._request_futures.pop(msg_id, None)
            with contextlib.suppress(Exception):
                self.notify("$/cancelRequest", {"id": msg_id})
            raise LspTimeout(f"{self.spec.server_name}: no answer to {method} within {timeout_s:g} s") from None
        except JsonRpcException as error:
            raise LspError(f"{self.spec.server_name}: {method} failed: {error.message}") from None
        except RuntimeError as error:  # pygls fails pending requests this way when the process exits
            raise LspError(f"{self.spec.server_name}: {method} failed: {error}") from None

    def notify(self, method: str, params: Any) -> None:
        if self.alive:
            with contextlib.suppress(Exception):
                self._client.protocol.notify(method, params)

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
        self._client._stop_event.set()
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
