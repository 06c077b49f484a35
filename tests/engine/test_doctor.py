"""`caret doctor`'s checks as data: each one tried for real (a closed port, a scripted server, a real language
server, a real index), each failure with a hint that says what to do."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from context.docs import DocsLibrary, DocsSource
from engine.doctor import (
    Check,
    check_docs,
    check_index,
    check_remote_server,
    cpu_flags,
    llama_build_check,
    workspace_languages,
)
from engine.doctor_lsp import check_language_server, server_version
from engine.session import Session
from engine.sources import default_server_specs
from lsp.client import ServerSpec
from models.registry import ModelSpec
from tests.models.scripted_server import Reply, ScriptedServer

INFO_AVX2 = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | OPENMP = 1 | "
INFO_PLAIN = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 0 | AVX2 = 0 | OPENMP = 1 | "


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def remote(url: str, model: str = "m", key: str = "") -> ModelSpec:
    return ModelSpec(provider="openai", model=model, base_url=url, api_key=key)


def test_the_llama_build_says_avx2_or_what_to_do() -> None:
    assert cpu_flags("processor : 0\nflags\t\t: fpu sse avx2 fma\n") == {"fpu", "sse", "avx2", "fma"}
    good = llama_build_check(INFO_AVX2, {"avx2"}, "0.3.36")
    assert good == Check("llama.cpp build", True, "llama-cpp-python 0.3.36: SIMD AVX2, FMA, F16C")
    slow = llama_build_check(INFO_PLAIN, {"avx2", "fma"}, "0.3.36")
    assert not slow.ok and "no AVX2" in slow.detail and "GGML_AVX2=ON" in slow.hint
    old_cpu = llama_build_check(INFO_PLAIN, {"sse"}, "0.3.36")
    assert old_cpu.ok and "this CPU has no AVX2" in old_cpu.detail


async def test_a_closed_port_says_to_start_the_server() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    check = await check_remote_server(remote(url), ["chat", "edit"])
    assert check == Check(
        "server for the chat and edit model", False, f"cannot reach {url}: connection refused",
        "start the server, or point models.chat.base_url (or OPENAI_BASE_URL, --base-url) at one that runs",
    )


async def test_a_server_that_lists_the_model(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(body={"object": "list", "data": [{"id": "coder", "object": "model"}]}))
    check = await check_remote_server(remote(scripted_server.url, "coder", key="sk-secret-123"), ["completion"])
    assert check.ok and check.detail == f"{scripted_server.url}: reachable, key accepted, 'coder' listed"
    assert scripted_server.requests[0].path.endswith("/models")
    assert scripted_server.requests[0].headers["authorization"] == "Bearer sk-secret-123"
    assert "sk-secret" not in check.detail + check.hint


async def test_a_model_not_listed_names_those_that_are(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(body={"object": "list", "data": [{"id": "a"}, {"id": "b"}]}))
    check = await check_remote_server(remote(scripted_server.url, "coder"), ["chat"])
    assert not check.ok
    assert "model 'coder' is not listed (listed: a, b)" in check.detail
    assert check.hint == "set models.chat.model (or CARET_MODEL) to a listed id"


async def test_a_refused_key(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(status=401, body={"error": {"message": "bad key sk-wrong"}}))
    check = await check_remote_server(remote(scripted_server.url, key="sk-wrong"), ["chat"])
    assert not check.ok and check.detail == f"{scripted_server.url} rejected the API key (HTTP 401)"
    assert "OPENAI_API_KEY" in check.hint and "sk-wrong" not in check.detail + check.hint


async def test_a_server_that_is_not_openai_compatible(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(status=404, body={"detail": "Not Found"}))
    check = await check_remote_server(remote(scripted_server.url.removesuffix("/v1")), ["chat"])
    assert not check.ok and "HTTP 404" in check.detail and "/v1" in check.hint


def test_index_files_and_age(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    (tmp_path / "b.py").write_text("def g():\n    return 2\n")
    before = check_index(tmp_path, 2)
    assert before.ok and before.detail.startswith("not built yet (2 files in the workspace)")
    assert before.hint == "or run `caret index` now"
    Session.open(tmp_path, env={}, flags={"lsp.enabled": "false"}).build_index()
    after = check_index(tmp_path, 2)
    assert after.ok and after.detail.startswith("2 of 2 files indexed in .caret/index, updated ")


def test_docs_crawled_or_not(tmp_path: Path) -> None:
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "intro.md").write_text("# Intro\n\nHow to start the frobnicator.\n")
    library = DocsLibrary(
        [DocsSource("site", "url", "https://docs.example.org/"), DocsSource("guide", "folder", "guide"),
         DocsSource("empty", "folder", "nothing-here")],
        cache_dir=tmp_path / "cache", root=tmp_path,
    )
    by_name = {check.name: check for check in check_docs(library)}
    assert not by_name["docs site"].ok and by_name["docs site"].detail == "https://docs.example.org/ not crawled yet"
    assert "crawled in the background" in by_name["docs site"].hint
    assert by_name["docs guide"].ok and by_name["docs guide"].detail.startswith("folder guide: ")
    assert not by_name["docs empty"].ok and by_name["docs empty"].hint


def test_languages_found_in_the_workspace() -> None:
    assert workspace_languages(["a.py", "b/c.py", "d.go", "README"]) == {"python": "a.py", "go": "d.go"}


async def test_a_missing_language_server_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "main.go").write_text("package main\n")
    spec = ServerSpec("go", "no-such-gopls-xyz", languages=("go",), display_language="Go")
    check = await check_language_server(str(tmp_path), spec, str(tmp_path / "main.go"))
    assert check == Check("Go language server", False, "no-such-gopls-xyz not found on PATH or in caret's venv",
                          "install no-such-gopls-xyz or set [lsp.servers.go] command in .caret/config.toml; "
                          "caret works on without it, from tree-sitter context")


async def test_a_language_server_that_dies_at_start(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    spec = ServerSpec("python", "/bin/false", file_extensions=(".py",), languages=("python",),
                      display_language="Python")
    check = await check_language_server(str(tmp_path), spec, str(tmp_path / "a.py"))
    assert not check.ok and check.detail.startswith("/bin/false: did not start: ")
    assert "run `/bin/false` by hand" in check.hint


@pytest.mark.slow
async def test_jedi_starts_and_says_its_version(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    spec = next(s for s in default_server_specs() if s.language == "python")
    check = await check_language_server(str(tmp_path), spec, str(tmp_path / "a.py"))
    assert check.ok, check
    assert check.name == "Python language server" and "started and initialized in" in check.detail
    assert await server_version("/bin/false") == ""  # a failing --version shows none
