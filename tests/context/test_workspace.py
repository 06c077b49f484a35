"""Workspace walk and reads on a real temporary tree: ignore files, secrets, binaries, size, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from context.languages import detect_language
from context.workspace import Workspace, WorkspaceError, is_secret


def _write(root: Path, rel: str, content: str | bytes = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    _write(root, ".gitignore", "*.log\nbuild/\n")
    _write(root, ".caretignore", "generated/\n")
    _write(root, "main.py")
    _write(root, "debug.log", "log line\n")
    _write(root, "build/out.py")
    _write(root, "generated/api.py")
    _write(root, "pkg/mod.py")
    _write(root, "pkg/.gitignore", "local.txt\n!keep.log\n")
    _write(root, "pkg/local.txt", "mine\n")
    _write(root, "pkg/keep.log", "kept\n")
    _write(root, "pkg/other.log", "dropped\n")
    _write(root, "node_modules/lib/index.js", "module.exports = 1;\n")
    _write(root, ".venv/lib/site.py")
    _write(root, "pkg/__pycache__/mod.cpython-311.pyc", b"\x00\x01")
    _write(root, ".git/config", "[core]\n")
    for secret in (".env", ".env.local", "server.pem", "tls.key", "id_rsa", "id_ed25519.pub",
                   "credentials.json", ".netrc", ".npmrc", "cert.p12"):
        _write(root, f"conf/{secret}", "SECRET=1\n")
    _write(root, "data/blob.dat", b"abc\x00def")
    _write(root, "data/big.txt", "y" * 5000)
    outside = _write(tmp_path, "outside/secret.py", "TOKEN = 1\n")
    os.symlink(outside, root / "escape.py")
    os.symlink(outside.parent, root / "escape_dir")
    os.symlink(root / "main.py", root / "alias.py")
    return root


def test_files_honour_every_rule(tree: Path) -> None:
    ws = Workspace(tree, max_file_bytes=1000)
    files = set(ws.files())
    assert files == {
        ".caretignore", ".gitignore", "main.py", "pkg/mod.py", "pkg/.gitignore", "pkg/keep.log", "alias.py",
    }


def test_secrets_can_be_listed_on_request(tree: Path) -> None:
    ws = Workspace(tree, max_file_bytes=1000)
    with_secrets = set(ws.files(include_secrets=True))
    assert {"conf/.env", "conf/server.pem", "conf/id_rsa", "conf/credentials.json"} <= with_secrets


def test_should_ignore(tree: Path) -> None:
    ws = Workspace(tree)
    assert ws.should_ignore("debug.log")
    assert ws.should_ignore("build/out.py")
    assert ws.should_ignore("build/deep/new.py")  # inside an ignored folder, even if it does not exist
    assert ws.should_ignore("generated/api.py")
    assert ws.should_ignore("pkg/local.txt")
    assert not ws.should_ignore("pkg/keep.log")  # the nested file re-includes it
    assert ws.should_ignore("pkg/other.log")
    assert ws.should_ignore("node_modules/lib/index.js")
    assert ws.should_ignore("conf/.env")
    assert not ws.should_ignore("main.py")


@pytest.mark.parametrize(
    "name", [".env", ".env.production", "a.pem", "b.key", "id_rsa", "id_rsa.pub", "id_ed25519",
             "credentials.json", ".netrc", ".npmrc", "x.p12"],
)
def test_secret_names(name: str) -> None:
    assert is_secret(name) and is_secret(f"deep/dir/{name}")


@pytest.mark.parametrize("name", ["environment.py", "keys.py", "id_utils.py", "monkey.txt", "README.md"])
def test_not_secret_names(name: str) -> None:
    assert not is_secret(name)


def test_read_text_refusals_are_one_line(tree: Path) -> None:
    ws = Workspace(tree, max_file_bytes=1000)
    cases = {
        "data/blob.dat": "binary",
        "data/big.txt": "too large",
        "conf/.env": "secret",
        "escape.py": "outside",
        "../outside/secret.py": "outside",
        "escape_dir/secret.py": "outside",
        "missing.py": "cannot read",
    }
    for rel, word in cases.items():
        with pytest.raises(WorkspaceError) as info:
            ws.read_text(rel)
        message = str(info.value)
        assert word in message and "\n" not in message, message
    assert ws.read_text("conf/.env", allow_secret=True) == "SECRET=1\n"
    assert ws.read_text("main.py") == "x = 1\n"


def test_read_text_rejects_invalid_utf8(tree: Path) -> None:
    _write(tree, "latin.txt", "caf\xe9".encode("latin-1"))
    with pytest.raises(WorkspaceError, match="not UTF-8"):
        Workspace(tree).read_text("latin.txt")


def test_resolve_refuses_escapes(tree: Path) -> None:
    ws = Workspace(tree)
    assert ws.resolve("pkg/mod.py") == (tree / "pkg/mod.py").resolve()
    assert ws.resolve(tree / "alias.py") == (tree / "main.py").resolve()
    assert ws.relative(tree / "pkg" / "mod.py") == "pkg/mod.py"
    for bad in ("../x.py", "/etc/passwd", "escape.py", "escape_dir/secret.py"):
        with pytest.raises(WorkspaceError, match="outside workspace"):
            ws.resolve(bad)


def test_root_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError):
        Workspace(tmp_path / "nope")


@pytest.mark.parametrize(
    ("path", "first_line", "language"),
    [
        ("a.py", None, "python"), ("a.js", None, "javascript"), ("a.mjs", None, "javascript"),
        ("a.ts", None, "typescript"), ("a.tsx", None, "tsx"), ("a.go", None, "go"), ("a.rs", None, "rust"),
        ("a.c", None, "c"), ("a.h", None, "c"), ("a.cpp", None, "cpp"), ("a.hpp", None, "cpp"),
        ("A.java", None, "java"), ("tool", "#!/usr/bin/env python3", "python"),
        ("tool", "#!/usr/bin/python3.11", "python"), ("run", "#!/usr/bin/env -S node --harmony", "javascript"),
        ("build", "#!/bin/sh", "bash"), ("notes", "hello", None), ("noext", None, None),
    ],
)
def test_detect_language(path: str, first_line: str | None, language: str | None) -> None:
    assert detect_language(path, first_line) == language


def test_the_workspace_config_is_never_workspace_content(tmp_path: Path) -> None:
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text('[models.chat]\napi_key = "sk-config"\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    ws = Workspace(tmp_path)
    assert list(ws.files()) == ["a.py"]
    assert ws.should_ignore(".caret/config.toml")
