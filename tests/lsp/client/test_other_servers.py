"""gopls and clangd through the same pool where installed: the Makefile installs clangd from Debian;
gopls is not installed (Debian's is old and needs the Go toolchain)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.sources import default_server_specs
from lsp.client import LanguageServerPool, ServerSpec

SLOW_S = 60.0


def _spec(language: str) -> ServerSpec:
    return next(spec for spec in default_server_specs() if spec.language == language)


@pytest.mark.skipif(shutil.which("gopls") is None or shutil.which("go") is None, reason="gopls (and go) not installed")
async def test_gopls_definition_across_files(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/demo\n\ngo 1.19\n")
    (tmp_path / "util.go").write_text(
        "package main\n\n// Twice doubles n.\nfunc Twice(n int) int {\n\treturn 2 * n\n}\n"
    )
    main = tmp_path / "main.go"
    main.write_text('package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(Twice(21))\n}\n')
    pool = LanguageServerPool(tmp_path, [_spec("go")])
    try:
        await pool.open_document(str(main), main.read_text())
        line = 5
        column = main.read_text().splitlines()[line].index("Twice")
        locations = await pool.definition(str(main), line, column, timeout_s=SLOW_S)
        assert [(Path(loc.path).name, loc.range.start.line) for loc in locations] == [("util.go", 3)]
        hover = await pool.hover(str(main), line, column, timeout_s=SLOW_S)
        assert hover is not None and "Twice" in hover.text
    finally:
        await pool.close()


@pytest.mark.skipif(shutil.which("clangd") is None, reason="clangd not installed")
async def test_clangd_definition_and_diagnostics(tmp_path: Path) -> None:
    source = tmp_path / "main.c"
    text = "static int twice(int n) { return 2 * n; }\n\nint main(void) { return twice(21); }\n"
    source.write_text(text)
    pool = LanguageServerPool(tmp_path, [_spec("c")])
    try:
        version = await pool.open_document(str(source), text)
        column = text.splitlines()[2].index("twice")
        locations = await pool.definition(str(source), 2, column, timeout_s=SLOW_S)
        assert [(loc.range.start.line, loc.range.start.character) for loc in locations] == [(0, 11)]
        broken = text.replace("return 2 * n;", "return 2 * m;")
        version = await pool.sync_document(str(source), broken)
        diagnostics = await pool.wait_for_diagnostics(str(source), version, timeout_s=SLOW_S)
        assert diagnostics and any("m" in d.message for d in diagnostics)
    finally:
        await pool.close()
