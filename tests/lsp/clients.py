"""What every test that drives `caret lsp` through pytest-lsp needs at its end."""

from __future__ import annotations

import asyncio

from pytest_lsp import LanguageClient


async def stop(client: LanguageClient) -> None:
    """Shut the server down politely, and kill it if that fails: a test never leaves a server behind."""
    try:
        await asyncio.wait_for(client.shutdown_session(), 10)
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()
        await client.stop()
