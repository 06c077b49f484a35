"""Soak `caret lsp`: random incremental didChange edits and inline completions for N minutes, over stdio, with
the embedded completion model and the workspace's real language server (jedi), as an editor would send them.

A client sends 1-6 random edits (insert, delete, replace; 20-100 ms apart; most near the cursor, some anywhere),
then asks for an inline completion at the last edit, waits 0.05-2.5 s for it and cancels it ($/cancelRequest) if
it has not answered by then. The server's memory (RSS) is sampled after warm-up and every 10 s; errors are error
responses other than "cancelled", requests never answered, and an Error-level window/showMessage.
Usage: .venv/bin/python bench/lsp_soak.py [--minutes 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REQUEST_CANCELLED = -32800
SNIPPETS = ("x", "self.", "return ", "width", "(", ")", "\n    ", "\n", "    ", "lines.append(text)\n", "# note\n",
            "def helper(a, b):\n    return a + b\n", ", ", "0", "if not text:\n        ")


def rss_mb(pid: int) -> float:
    """A process's resident memory (Linux /proc), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Client:
    """A minimal LSP client over a subprocess's stdio: requests, notifications, and answers to server requests."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.next_id = 1
        self.error_messages: list[str] = []
        self.reader = asyncio.create_task(self._read())

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> tuple[int, asyncio.Future[dict[str, Any]]]:
        number, self.next_id = self.next_id, self.next_id + 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[number] = future
        self._send({"id": number, "method": method, "params": params})
        return number, future

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := await stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return  # the server closed its stdout
            message = json.loads(await stream.readexactly(length))
            if "method" in message and "id" in message:  # a request from the server: accept it
                self._send({"id": message["id"], "result": None})
            elif "method" in message:
                params = message.get("params") or {}
                if message["method"] == "window/showMessage" and params.get("type") == 1:
                    self.error_messages.append(params.get("message", ""))
            elif (future := self.pending.pop(message.get("id"), None)) is not None and not future.done():
                future.set_result(message)


def random_edit(rng: random.Random, text: str, near: int) -> tuple[dict[str, Any], str]:
    """One incremental change (LSP range + new text) and the text after it: most near line `near`, where the user
    is typing, some anywhere in the file. ASCII only, so UTF-16 units are characters."""
    lines = text.split("\n")

    def position() -> tuple[int, int]:
        if rng.random() < 0.8:
            line = max(0, min(len(lines) - 1, near + rng.randint(-2, 2)))
        else:
            line = rng.randrange(len(lines))
        return line, rng.randint(0, len(lines[line]))

    def offset(line: int, character: int) -> int:
        return sum(len(part) + 1 for part in lines[:line]) + character

    start = position()
    end = start
    kind = rng.random()
    if kind > 0.55 or len(text) > 6000:  # delete or replace a stretch; big ones keep the file from growing
        span = rng.randint(1, 400 if len(text) > 6000 else 12)
        end_offset = min(len(text), offset(*start) + span)
        before = text[:end_offset].split("\n")
        end = (len(before) - 1, len(before[-1]))
    insert = "" if kind > 0.8 else rng.choice(SNIPPETS)
    a, b = offset(*start), offset(*end)
    change = {"range": {"start": {"line": start[0], "character": start[1]},
                        "end": {"line": end[0], "character": end[1]}}, "text": insert}
    return change, text[:a] + insert + text[b:]


def cursor_after(change: dict[str, Any]) -> dict[str, int]:
    """The position just after the inserted text of `change`."""
    start = change["range"]["start"]
    inserted = change["text"].split("\n")
    if len(inserted) == 1:
        return {"line": start["line"], "character": start["character"] + len(inserted[0])}
    return {"line": start["line"] + len(inserted) - 1, "character": len(inserted[-1])}


async def soak(minutes: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    source = Path(textwrap.__file__).read_text()[:3000]
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "wrap.py").write_text(source)
        stderr = (workspace / ".stderr").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", "lsp", "--workspace", str(workspace), cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr, limit=2**24,
        )
        client = Client(process)
        uri = (workspace / "wrap.py").as_uri()
        _, init = client.request("initialize", {"processId": None, "rootUri": workspace.as_uri(), "capabilities": {}})
        await asyncio.wait_for(init, 60)
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": source}})
        text, version = source, 1

        def complete_at(position: dict[str, int]) -> tuple[int, asyncio.Future[dict[str, Any]]]:
            return client.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": uri}, "position": position, "context": {"triggerKind": 2}})

        _, first = complete_at({"line": 10, "character": 0})
        await asyncio.wait_for(first, 120)  # the model has loaded: memory from here on should stay flat
        rss_start = rss_max = rss_mb(process.pid)
        samples = [rss_start]  # every 10 s: flat memory levels off, a leak keeps climbing
        counts = {"requests": 1, "answered": 1, "cancelled": 0, "edits": 0, "errors": 0}
        first_error = ""
        outstanding: list[asyncio.Future[dict[str, Any]]] = []
        cursor = {"line": 40, "character": 0}
        started = last_sample = time.perf_counter()
        while time.perf_counter() - started < minutes * 60 and process.returncode is None:
            for _ in range(rng.randint(1, 6)):
                change, text = random_edit(rng, text, cursor["line"])
                cursor = cursor_after(change)
                version += 1
                client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                         "contentChanges": [change]})
                counts["edits"] += 1
                await asyncio.sleep(rng.uniform(0.02, 0.1))
            number, answer = complete_at(cursor)
            counts["requests"] += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(answer), rng.uniform(0.05, 2.5))
            if not answer.done():
                client.notify("$/cancelRequest", {"id": number})
            outstanding.append(answer)
            if time.perf_counter() - last_sample > 10:
                samples.append(rss_mb(process.pid))
                rss_max, last_sample = max(rss_max, samples[-1]), time.perf_counter()
        rss_end = rss_mb(process.pid)
        rss_max = max(rss_max, rss_end)
        alive = process.returncode is None
        soaked_min = (time.perf_counter() - started) / 60
        if left := [answer for answer in outstanding if not answer.done()]:
            await asyncio.wait(left, timeout=30)
        for answer in outstanding:
            if not answer.done():
                counts["errors"] += 1
                first_error = first_error or "a request was never answered"
                continue
            error = answer.result().get("error")
            if error is None:
                counts["answered"] += 1
            elif error.get("code") == REQUEST_CANCELLED:
                counts["cancelled"] += 1
            else:
                counts["errors"] += 1
                first_error = first_error or str(error.get("message"))[:200]
        counts["errors"] += len(client.error_messages)
        first_error = first_error or (client.error_messages[0] if client.error_messages else "")
        _, bye = client.request("shutdown", None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(bye, 30)
        client.notify("exit", None)
        try:
            code = await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            code = await process.wait()
        client.reader.cancel()
        stderr.close()
        summary: dict[str, Any] = {
            "minutes": round(soaked_min, 2),
            "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(rss_end, 1),
            "rss_max_mb": round(rss_max, 1),
            "rss_every_60s_mb": [round(mb) for mb in samples[::6]],
            **counts,
            "server_alive": alive,
            "exit_code": code,
        }
        if first_error:
            summary["first_error"] = first_error
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(soak(args.minutes, args.seed))))


if __name__ == "__main__":
    main()
