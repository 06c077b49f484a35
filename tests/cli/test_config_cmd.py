"""`caret config` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import caret


def test_bad_config_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text('[completion]\nmax_tokens = "many"\n')
    result = caret("config", cwd=tmp_path)
    assert result.returncode == 2
    assert "config.toml: completion.max_tokens: expected int" in result.stderr


def test_config_reports_sources(tmp_path: Path) -> None:
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text("[completion]\nmax_tokens = 12\n")
    result = caret("config", "--json", "--set", "completion.debounce_ms=5", cwd=tmp_path)
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["completion.max_tokens"]["value"] == "12"
    assert rows["completion.max_tokens"]["source"].endswith(".caret/config.toml")
    assert rows["completion.debounce_ms"]["source"] == "flag"
    assert rows["models.chat.provider"]["source"] == "default"
