"""Fixtures shared across the test packages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.models.scripted_server import ScriptedServer


@pytest.fixture
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    """An OpenAI-compatible server on 127.0.0.1 that answers from a script: for tests that must control the
    model's exact words."""
    server = ScriptedServer()
    await server.start()
    yield server
    await server.aclose()
