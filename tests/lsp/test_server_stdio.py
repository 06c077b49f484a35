"""`caret lsp` reads its pipe on the event loop (lsp/server/stdio.py): messages split across writes are read whole,
`exit` after `shutdown` ends the process with 0, and a client that goes away (end of input) ends it too."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(out: asyncio.StreamReader) -> dict[str, Any]:
    length = 0
    while (line := await out.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(await out.readexactly(length))


async def start_server(ws: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "lsp", "--workspace", str(ws), "--set", "lsp.enabled=false",
        "--set", "completion.enabled=false", cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)


async def test_messages_in_pieces_then_shutdown_and_exit(tmp_path: Path) -> None:
    server = await start_server(tmp_path)
    assert server.stdin is not None and server.stdout is not None
    try:
        initialize = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                            "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}})
        for i in range(0, len(initialize), 7):  # a header and body that arrive a few bytes at a time
            server.stdin.write(initialize[i : i + 7])
            await server.stdin.drain()
            await asyncio.sleep(0.001)
        reply = await asyncio.wait_for(read_message(server.stdout), 60)
        assert reply["id"] == 1 and "capabilities" in reply["result"]
        # Two messages in one write.
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
                           + frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        await server.stdin.drain()
        while (reply := await asyncio.wait_for(read_message(server.stdout), 30)).get("id") != 2:
            pass  # requests the server sent meanwhile (progress tokens) are left unanswered
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        await server.stdin.drain()
        assert await asyncio.wait_for(server.wait(), 30) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


async def test_the_end_of_input_ends_the_server(tmp_path: Path) -> None:
    server = await start_server(tmp_path)
    assert server.stdin is not None
    try:
        server.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}))
        server.stdin.write(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")  # cut off mid-message
        await server.stdin.drain()
        server.stdin.close()
        assert await asyncio.wait_for(server.wait(), 30) is not None
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
