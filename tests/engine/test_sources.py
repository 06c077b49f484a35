"""engine/sources.py: language-server specs from lsp.client's defaults, the language table and config."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import Config, ConfigError, load_config, read_config_file
from engine.sources import default_server_specs, server_specs


def config_from(tmp_path: Path, text: str, flags: dict[str, str] | None = None) -> Config:
    path = tmp_path / ".caret" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return load_config(tmp_path, env={}, flags=flags, user_file=tmp_path / "none.toml")


def test_default_servers_serve_the_tables_extensions_with_lsp_language_ids() -> None:
    specs = {spec.language: spec for spec in default_server_specs()}
    assert set(specs) == {"python", "go", "c", "typescript", "rust"}
    assert {".py", ".pyi"} <= set(specs["python"].file_extensions)
    assert {".c", ".h", ".cpp", ".hpp"} <= set(specs["c"].file_extensions)
    assert specs["c"].language_ids[".cpp"] == "cpp" and specs["c"].language_ids[".c"] == "c"
    ts = specs["typescript"].language_ids
    assert (ts[".ts"], ts[".tsx"], ts[".js"], ts[".jsx"]) == ("typescript", "typescriptreact", "javascript",
                                                              "javascriptreact")


def test_a_known_language_needs_no_extensions_an_unknown_one_does(tmp_path: Path) -> None:
    specs = {s.language: s for s in server_specs(config_from(tmp_path, '[lsp.servers.java]\ncommand = "jdtls"\n'))}
    assert specs["java"].file_extensions == (".java",) and specs["java"].command == "jdtls"
    with pytest.raises(ConfigError, match=r"lsp\.servers\.elixir: set extensions"):
        server_specs(config_from(tmp_path, '[lsp.servers.elixir]\ncommand = "elixir-ls"\n'))


def test_init_options_stay_a_table(tmp_path: Path) -> None:
    config = config_from(tmp_path, """
[lsp.servers.python.init_options]
diagnostics = { enable = true, didOpen = false }
workspace = { extraPaths = ["src", "vendor"] }
""")
    options = {"diagnostics": {"enable": True, "didOpen": False}, "workspace": {"extraPaths": ["src", "vendor"]}}
    assert config["lsp.servers.python.init_options"] == options
    specs = {s.language: s for s in server_specs(config)}
    assert specs["python"].init_options == options
    shown = dict((key, value) for key, value, _ in config.describe())
    assert shown["lsp.servers.python.init_options"] == (
        '{ diagnostics = { enable = true, didOpen = false }, workspace = { extraPaths = [\'src\', \'vendor\'] } }')


def test_init_options_from_a_flag_is_an_inline_table(tmp_path: Path) -> None:
    config = config_from(tmp_path, "", flags={"lsp.servers.go.init_options": "{ staticcheck = true }"})
    assert {s.language: s for s in server_specs(config)}["go"].init_options == {"staticcheck": True}


def test_init_options_that_are_not_a_table_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[lsp.servers.go]\ninit_options = "{\\"a\\": 1}"\n')
    with pytest.raises(ConfigError, match=r"c\.toml: lsp\.servers\.go\.init_options: expected a table") as error:
        read_config_file(path)
    assert "\n" not in str(error.value)
    with pytest.raises(ConfigError, match="expected a table"):
        config_from(tmp_path, "", flags={"lsp.servers.go.init_options": "[1, 2]"})
