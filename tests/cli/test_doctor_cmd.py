"""`caret doctor` as a user runs it: a subprocess over a small workspace, with the embedded models (real)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.cli.run import caret


def small_workspace(root: Path) -> Path:
    (root / "pkg").mkdir()
    (root / "pkg" / "shapes.py").write_text("def area(w, h):\n    return w * h\n")
    (root / "README.md").write_text("# shapes\n")
    return root


@pytest.mark.slow
def test_doctor_json_with_the_embedded_models(tmp_path: Path) -> None:
    result = caret("doctor", "--json", cwd=small_workspace(tmp_path))
    checks = json.loads(result.stdout)
    by_name = {check["name"]: check for check in checks}
    assert result.returncode == 0, checks
    assert all(check["ok"] for check in checks)
    assert set(by_name) >= {"llama.cpp build", "chat and edit model", "completion model", "index",
                            "Python language server"}
    assert by_name["completion model"]["detail"].startswith("gemma-3-270m: loaded in ")
    assert "first token in" in by_name["chat and edit model"]["detail"]
    assert "AVX2" in by_name["llama.cpp build"]["detail"]
    assert by_name["index"]["detail"].startswith("not built yet (2 files in the workspace)")
    assert set(checks[0]) == {"name", "ok", "detail", "hint"}


def test_doctor_with_a_remote_model_on_a_closed_port(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    result = caret("doctor", "--provider", "openai", "--model", "qwen-coder", "--base-url", url,
                   "--set", "models.completion.provider=openai", "--set", "models.completion.model=qwen-coder",
                   "--set", "lsp.enabled=false", cwd=small_workspace(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    server = next(line for line in lines if line.startswith("FAIL server for the"))
    assert server == (f"FAIL server for the chat, edit and completion model: cannot reach {url}: connection refused "
                      "-> start the server, or point models.chat.base_url (or OPENAI_BASE_URL, --base-url) at one "
                      "that runs")
    assert "ok   language servers: disabled (lsp.enabled = false)" in lines
    assert result.stderr == ""
