"""Fixtures for the models tests: a scripted OpenAI-compatible server, and llama-cpp-python's real one."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

LLAMA_SERVER_ALIAS = "smollm2"
LLAMA_SERVER_CONTEXT = 2048
LLAMA_SERVER_START_S = 60.0  # ~1-2 s when idle; generous for a loaded CI machine


@dataclass(frozen=True)
class LlamaServer:
    url: str  # base URL, ending in /v1
    model: str  # the alias it serves


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=1) as response:
            return bool(json.load(response).get("data"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    """`python -m llama_cpp.server` serving the embedded SmolLM2 GGUF on 127.0.0.1, for the whole session."""
    from models.embedded import smollm2_path

    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_path()),
        "--model_alias", LLAMA_SERVER_ALIAS, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(LLAMA_SERVER_CONTEXT), "--n_threads", "2", "--verbose", "False",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + LLAMA_SERVER_START_S
            while not _answers(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read().decode(errors="replace")[-2000:]
                    pytest.fail(f"llama_cpp.server did not start (exit {process.poll()}):\n{tail}")
                time.sleep(0.1)
            yield LlamaServer(url=url, model=LLAMA_SERVER_ALIAS)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
