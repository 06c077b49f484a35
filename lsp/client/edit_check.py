"""Which diagnostics an edit would introduce, asked of the real server (`caret edit --check`, the TUI's review).

Kept out of diagnostics.py, which is pure, and out of pool.py: it only drives the pool's public methods.
"""

from __future__ import annotations

import asyncio

from lsp.client.diagnostics import introduced_diagnostics
from lsp.client.pool import LanguageServerPool
from lsp.client.types import Diagnostic


async def diagnostics_introduced(
    pool: LanguageServerPool, path: str, old_text: str, new_text: str, timeout_s: float = 5.0
) -> list[Diagnostic]:
    """Diagnostics the server reports for new_text that old_text did not have; the server is left at old_text.

    Empty when no server serves the file or it published nothing for the new text within timeout_s.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    old_version = await pool.sync_document(path, old_text)
    if old_version is None:
        return []
    try:
        before = await pool.wait_for_diagnostics(path, old_version, max(0.0, (deadline - loop.time()) / 2))
        if before is None:  # nothing for this exact version: the latest known set is the best guess
            before = pool.diagnostics(path)
        new_version = await pool.sync_document(path, new_text)
        after = await pool.wait_for_diagnostics(path, new_version, max(0.0, deadline - loop.time()))
    finally:
        await pool.sync_document(path, old_text)
    if after is None:
        return []
    return introduced_diagnostics(before, after, old_text, new_text)
