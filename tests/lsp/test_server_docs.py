"""`caret lsp` starts the `[docs.NAME] url` crawls on `initialized`, shown as `$/progress`, and they run to the end."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.docs_site import FACT, docs_site
from tests.lsp.clients import stop


def docs_progress(client: LanguageClient) -> list[str]:
    """The kinds (begin, report, end) of the docs crawl's `$/progress` notifications."""
    return [getattr(report, "kind", "") for token, reports in client.progress_reports.items()
            if str(token).startswith("caret/docs:site/") for report in reports]


async def test_docs_sites_are_crawled_in_the_background(tmp_path: Path) -> None:
    ws, cache = tmp_path / "ws", tmp_path / "cache"
    (ws / ".caret").mkdir(parents=True)
    pages = cache / "caret" / "docs" / "site" / "pages.json"
    with docs_site() as url:
        (ws / ".caret" / "config.toml").write_text(f'[docs.site]\nurl = "{url}"\n')
        config = ClientServerConfig(
            server_command=[sys.executable, "-m", "app", "lsp", "--workspace", str(ws),
                            "--set", "models.completion.provider=openai", "--set", "models.completion.model=m",
                            "--set", "models.completion.base_url=http://127.0.0.1:9/v1", "--set", "lsp.enabled=false"],
            server_env={**os.environ, "XDG_CACHE_HOME": str(cache), "XDG_CONFIG_HOME": str(tmp_path / "config")},
        )
        client = await config.start()
        assert isinstance(client, LanguageClient)
        try:
            await client.initialize_session(
                lsp.InitializeParams(capabilities=client_capabilities("neovim"),
                                     workspace_folders=[lsp.WorkspaceFolder(uri=ws.as_uri(), name="ws")])
            )
            deadline = asyncio.get_running_loop().time() + 30
            while not pages.is_file():
                assert asyncio.get_running_loop().time() < deadline, "the crawl never finished"
                await asyncio.sleep(0.05)
            while not (kinds := docs_progress(client)) or kinds[-1] != "end":  # shown as work-done progress
                assert asyncio.get_running_loop().time() < deadline, f"no docs progress: {client.progress_reports}"
                await asyncio.sleep(0.05)
            assert kinds[0] == "begin"
        finally:
            await stop(client)
    crawled = json.loads(pages.read_text())
    assert crawled["url"] == url and len(crawled["pages"]) == 3
    assert any(FACT in page["text"] for page in crawled["pages"])
