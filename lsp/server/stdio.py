"""The JSON-RPC stream on private copies of stdin and stdout.

llama-cpp-python silences a model load (verbose=False) by pointing file descriptor 1 at /dev/null for the whole
process, for as long as the load takes (seconds). Any answer pygls wrote to stdout meanwhile was lost: a request
sent right after didOpen (whose prefill loads the model) was never answered, and clients waited until their
timeout. The protocol therefore writes to its own duplicate of fd 1, and fd 1 itself points at stderr, so a stray
print() or C library write can neither swallow nor corrupt a message.

On a pipe, messages are read by the event loop itself (PipeReader), not by pygls's stdin reader thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import threading
from typing import BinaryIO

from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer

log = logging.getLogger("caret.lsp")


def protocol_streams() -> tuple[BinaryIO, BinaryIO]:
    """(input, output) for pygls: private duplicates of fds 0 and 1. Afterwards fd 1 is stderr and fd 0 is
    /dev/null, so nothing else in the process (or a child that inherits them) reads or writes the protocol."""
    rpc_in = os.fdopen(os.dup(0), "rb")
    rpc_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return rpc_in, rpc_out


class PipeReader:
    """pygls's reader interface over a pipe read by the event loop itself. pygls's own stdin reader hands every
    header line and body to a worker thread (three thread hand-offs per message, each waiting for the GIL on a busy
    machine): on a pipe the loop can wait for the bytes directly."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self) -> bytes:
        return await self._stream.readline()

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError:
            return b""  # the client went away mid-message: pygls's loop ends on an empty read


def is_pipe(stream: BinaryIO) -> bool:
    """Whether `stream` is a pipe or a socket (what an editor starts a server with), not a file or a terminal."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


async def pipe_reader(stream: BinaryIO) -> PipeReader:
    """A PipeReader over `stream` (a pipe or socket) on the running loop."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)  # the limit bounds a header line only
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stream)
    return PipeReader(reader)


def run_io(server: LanguageServer, rpc_in: BinaryIO, rpc_out: BinaryIO) -> None:
    """Serve one client on (rpc_in, rpc_out) until it exits: pygls's start_io, except that a pipe is read on the
    event loop (anything else, a file or a terminal, goes through pygls's own reader)."""
    if not is_pipe(rpc_in):
        server.start_io(rpc_in, rpc_out)
        return
    server.protocol.set_writer(StdoutWriter(rpc_out))

    async def main() -> None:
        await run_async(stop_event=threading.Event(), reader=await pipe_reader(rpc_in), protocol=server.protocol,
                        logger=log, error_handler=server.report_server_error)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except (KeyboardInterrupt, SystemExit):  # `exit` from the client ends the loop with SystemExit, as in pygls
        pass
    finally:
        server.shutdown()
