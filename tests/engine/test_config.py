"""Configuration layers and their one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import ConfigError, load_config, parse_set_flags, read_config_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_run_locally_with_no_key(tmp_path: Path) -> None:
    config = load_config(tmp_path, env={}, user_file=tmp_path / "none.toml")
    assert config.model("chat").provider == "local"
    assert config.model("completion").model == "gemma-3-270m"
    assert config.sources["models.chat.model"] == "default"


def test_layers_in_order_user_workspace_env_flags(tmp_path: Path) -> None:
    user = write(tmp_path / "user.toml", '[models.chat]\nmodel = "user-model"\n[completion]\nmax_tokens = 10\n')
    write(tmp_path / ".caret" / "config.toml", "[completion]\nmax_tokens = 20\ndebounce_ms = 5\n")
    config = load_config(
        tmp_path,
        env={"CARET_MODEL": "env-model", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
        flags={"completion.debounce_ms": "7"},
        user_file=user,
    )
    assert config["completion.max_tokens"] == 20
    assert config.sources["completion.max_tokens"].endswith(".caret/config.toml")
    assert config["models.chat.model"] == "env-model"
    assert config.sources["models.chat.model"] == "$CARET_MODEL"
    assert config["models.completion.base_url"] == "http://127.0.0.1:9/v1"
    assert config["completion.debounce_ms"] == 7
    assert config.sources["completion.debounce_ms"] == "flag"


def test_bad_type_names_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[completion]\nmax_tokens = true\n")
    with pytest.raises(ConfigError, match=r"c\.toml: completion\.max_tokens: expected int, got True"):
        read_config_file(path)


def test_unknown_key_suggests_the_near_one(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[models]\nmax_tokens = 3\n")
    with pytest.raises(ConfigError, match=r"unknown key 'models.max_tokens' \(did you mean completion.max_tokens\?\)"):
        read_config_file(path)


def test_bad_choice(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[models.chat]\nprovider = "cloud"\n')
    with pytest.raises(ConfigError, match="expected one of local, openai"):
        read_config_file(path)


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[completion\n")
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    assert "invalid TOML" in str(info.value) and "\n" not in str(info.value)


def test_env_value_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\$CARET_PROVIDER: models.chat.provider"):
        load_config(tmp_path, env={"CARET_PROVIDER": "nope"}, user_file=tmp_path / "x.toml")


def test_api_key_is_masked_in_describe(tmp_path: Path) -> None:
    config = load_config(tmp_path, env={"OPENAI_API_KEY": "sk-secret-123456"}, user_file=tmp_path / "x.toml")
    shown = {key: value for key, value, _ in config.describe()}
    assert "secret" not in shown["models.chat.api_key"]


def test_set_flags_need_key_and_value() -> None:
    assert parse_set_flags(["a.b=1", "c=x=y"]) == {"a.b": "1", "c": "x=y"}
    with pytest.raises(ConfigError):
        parse_set_flags(["novalue"])


def test_named_sections_for_docs_and_language_servers(tmp_path: Path) -> None:
    from engine.sources import docs_sources, server_specs

    write(tmp_path / ".caret" / "config.toml", """
[docs.textual]
folder = "vendor/textual-docs"
max_pages = 50

[docs.stdlib]
python = "json, http"

[lsp.servers.python]
command = "my-pyls"
args = ["--stdio"]

[lsp.servers.elixir]
command = "elixir-ls"
extensions = [".ex", ".exs"]
init_options = { dialyzerEnabled = false }
""")
    config = load_config(tmp_path, env={}, user_file=tmp_path / "none.toml")
    sources = {s.name: s for s in docs_sources(config)}
    assert (sources["textual"].kind, sources["textual"].location, sources["textual"].max_pages) == (
        "folder", "vendor/textual-docs", 50)
    assert sources["stdlib"].kind == "python"
    specs = {s.language: s for s in server_specs(config)}
    assert (specs["python"].command, specs["python"].args) == ("my-pyls", ("--stdio",))
    assert ".py" in specs["python"].file_extensions
    assert specs["elixir"].init_options == {"dialyzerEnabled": False}
    assert specs["elixir"].file_extensions == (".ex", ".exs")


def test_a_docs_source_needs_exactly_one_location(tmp_path: Path) -> None:
    from engine.sources import docs_sources

    write(tmp_path / ".caret" / "config.toml", '[docs.x]\nfolder = "a"\nurl = "http://127.0.0.1:1/"\n')
    with pytest.raises(ConfigError, match=r"docs\.x: set exactly one of folder, url or python"):
        docs_sources(load_config(tmp_path, env={}, user_file=tmp_path / "none.toml"))


def test_list_values_are_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[lsp.servers.go]\nargs = "serve"\n')
    with pytest.raises(ConfigError, match=r"lsp\.servers\.go\.args: expected a list of strings"):
        read_config_file(path)
