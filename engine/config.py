"""Configuration: defaults < ~/.config/caret/config.toml < .caret/config.toml < environment < flags.

Every value remembers where it came from, so `caret config` can say why a setting is what it is. A bad file
gets one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROVIDERS = ("local", "openai")
ROLES = ("chat", "edit", "completion")


class ConfigError(Exception):
    """One line: the file, the key, what is wrong."""


@dataclass(frozen=True)
class Setting:
    """One config key's type, default and help line."""
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()


def _model_settings(role: str, model: str) -> dict[str, Setting]:
    return {
        f"models.{role}.provider": Setting(str, "local", f"where the {role} model runs", PROVIDERS),
        f"models.{role}.model": Setting(str, model, "embedded name, GGUF path (local) or model id (remote)"),
        f"models.{role}.base_url": Setting(str, "", "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1"),
        f"models.{role}.api_key": Setting(str, "", "API key (prefer OPENAI_API_KEY in the environment)"),
        f"models.{role}.context_window": Setting(int, 0, "tokens; 0 = ask the model"),
    }


SCHEMA: dict[str, Setting] = {
    **_model_settings("chat", "smollm2-135m-instruct"),
    **_model_settings("edit", "smollm2-135m-instruct"),
    **_model_settings("completion", "gemma-3-270m"),
    "local.threads": Setting(int, 0, "llama.cpp threads; 0 = all cores"),
    "local.context_size": Setting(int, 4096, "llama.cpp context size in tokens"),
    "local.prompt_lookup": Setting(str, "auto", "prompt-lookup speculative decoding for local chat and edit models "
                                   "(auto: as bench/edit_speed.py measured best)", ("auto", "on", "off")),
    "completion.enabled": Setting(bool, True, "ghost text while typing"),
    "completion.debounce_ms": Setting(int, 60, "quiet time after a keystroke before asking the model"),
    "completion.max_tokens": Setting(int, 48, "longest ghost text, in tokens"),
    "completion.multiline": Setting(bool, True, "allow ghost text over several lines"),
    "completion.prompt_tokens": Setting(int, 2048, "ghost-text prompt budget (a file this size is prefilled whole)"),
    "completion.context": Setting(str, "all", "what ghost-text prompts hold besides the file: all, none, or some of "
                                  "rules,definitions,recent,retrieved,local,after"),
    "chat.answer_tokens": Setting(int, 1024, "longest chat answer, in tokens (at most a quarter of the window)"),
    "edit.answer_tokens": Setting(int, 2048, "longest edit reply, in tokens (at most a third of the window)"),
    "models.edit.format": Setting(str, "auto", "how the edit model answers: rewrite (the whole region), search_replace "
                                  "(SEARCH/REPLACE blocks, any file), auto (rewrite for local models, search_replace "
                                  "for remote ones)", ("auto", "rewrite", "search_replace")),
    "lsp.enabled": Setting(bool, True, "ask language servers for definitions"),
    "lsp.ghost_budget_ms": Setting(int, 50, "longest wait for a language server during ghost text"),
    "lsp.chat_budget_ms": Setting(int, 2000, "longest wait for a language server during chat and edits"),
    "lsp.completion_fallback": Setting(str, "auto", "caret lsp: the AI suggestion as a completion item too (auto: "
                                       "only for clients without inline completion)", ("auto", "on", "off")),
    "remote.timeout_s": Setting(float, 60.0, "read timeout for a remote model"),
    "remote.max_retries": Setting(int, 2, "retries on 429/5xx before the first token"),
}

# Keys with a user-chosen name in them: `[docs.NAME]` sources and `[lsp.servers.LANGUAGE]` overrides.
_NAME = r"[A-Za-z0-9_.+-]+?"
PATTERNS: tuple[tuple[re.Pattern[str], Setting], ...] = (
    (re.compile(rf"docs\.{_NAME}\.folder"), Setting(str, "", "a local folder of Markdown/reST/HTML/text")),
    (re.compile(rf"docs\.{_NAME}\.url"), Setting(str, "", "a site crawled in the background")),
    (re.compile(rf"docs\.{_NAME}\.python"), Setting(str, "", "installed Python modules, comma-separated")),
    (re.compile(rf"docs\.{_NAME}\.max_pages"), Setting(int, 200, "crawl limit")),
    (re.compile(rf"docs\.{_NAME}\.max_age_days"), Setting(float, 7.0, "re-crawl after this many days")),
    (re.compile(rf"lsp\.servers\.{_NAME}\.command"), Setting(str, "", "the server's executable")),
    (re.compile(rf"lsp\.servers\.{_NAME}\.args"), Setting(list, [], "its arguments")),
    (re.compile(rf"lsp\.servers\.{_NAME}\.extensions"), Setting(list, [], "file extensions it serves, e.g. ['.py']")),
    (re.compile(rf"lsp\.servers\.{_NAME}\.init_options"), Setting(dict, {}, "initializationOptions, a TOML table")),
)


PROMPT_LOOKUP_TOKENS = 10  # tokens a prompt-lookup step drafts (llama-cpp-python's default)


def prompt_lookup_tokens(choice: str, role: str, provider: str) -> int:
    """Draft tokens per step for `role`'s model (0 = off): only local chat and edit models, whose replies copy the
    prompt; ghost text is prompt-bound and would pay for logits of every prompt token. `auto` is off: on the
    shared 2-core machines the slower prompt reading outweighed faster copying (bench/RESULTS.md, edit_speed)."""
    if provider != "local" or role not in ("chat", "edit") or choice != "on":
        return 0
    return PROMPT_LOOKUP_TOKENS


def setting_for(key: str) -> Setting | None:
    """The schema entry for a key, including the user-named sections (`[lsp.servers.X]`, `[docs.X]`)."""
    if key in SCHEMA:
        return SCHEMA[key]
    return next((setting for pattern, setting in PATTERNS if pattern.fullmatch(key)), None)


ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "OPENAI_API_KEY": tuple(f"models.{r}.api_key" for r in ROLES),
    "OPENAI_BASE_URL": tuple(f"models.{r}.base_url" for r in ROLES),
    "CARET_PROVIDER": ("models.chat.provider", "models.edit.provider"),
    "CARET_MODEL": ("models.chat.model", "models.edit.model"),
    "CARET_COMPLETION_PROVIDER": ("models.completion.provider",),
    "CARET_COMPLETION_MODEL": ("models.completion.model",),
}


@dataclass(frozen=True)
class ModelChoice:
    """Which model a role (chat, edit, completion) uses and where it runs."""
    role: str
    provider: str
    model: str
    base_url: str
    api_key: str
    context_window: int


@dataclass(frozen=True)
class Config:
    """The effective settings and, per key, the layer each value came from."""
    values: Mapping[str, Any]
    sources: Mapping[str, str]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def model(self, role: str) -> ModelChoice:
        """The model settings of one role."""
        p = f"models.{role}."
        return ModelChoice(
            role=role,
            provider=self.values[p + "provider"],
            model=self.values[p + "model"],
            base_url=self.values[p + "base_url"],
            api_key=self.values[p + "api_key"],
            context_window=self.values[p + "context_window"],
        )

    def named(self, prefix: str) -> dict[str, dict[str, Any]]:
        """{NAME: {field: value}} for keys `prefix.NAME.field` (docs sources, language servers)."""
        out: dict[str, dict[str, Any]] = {}
        for key, value in self.values.items():
            if key.startswith(prefix + ".") and key not in SCHEMA:
                name, _, field = key[len(prefix) + 1 :].rpartition(".")
                out.setdefault(name, {})[field] = value
        return out

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, shown value, source) for `caret config`; secrets are masked."""
        rows = []
        for key in self.values:
            value = self.values[key]
            shown = _mask(value) if key.endswith("api_key") else _shown(value)
            rows.append((key, shown, self.sources[key]))
        return rows


def _mask(value: str) -> str:
    return "''" if not value else f"'{value[:3]}…{value[-2:]}'"


def _shown(value: Any) -> str:
    """A value for `caret config`: Python's repr, except a table, written as the TOML inline table it came from."""
    return _toml_value(value) if isinstance(value, dict) else repr(value)


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        fields = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {fields} }}" if fields else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else repr(key)


def _table(key: str, raw: Any, origin: str) -> dict[str, Any]:
    """A TOML table as is; from a flag or the environment, text holding an inline table (`{ a = 1 }`)."""
    if isinstance(raw, str):
        try:
            raw = tomllib.loads(f"value = {raw}").get("value", raw)
        except tomllib.TOMLDecodeError:
            raise ConfigError(f"{origin}: {key}: expected a table, e.g. {{ option = true }}, got {raw!r}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: {key}: expected a table, e.g. {{ option = true }}, got {raw!r}")
    return dict(raw)


def user_config_path() -> Path:
    """`~/.config/caret/config.toml` (XDG_CONFIG_HOME respected)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "caret" / "config.toml"


def workspace_config_path(workspace: Path) -> Path:
    """The workspace's `.caret/config.toml`."""
    return workspace / ".caret" / "config.toml"


def coerce(key: str, raw: Any, origin: str) -> Any:
    """Check and convert one value against the schema; raise ConfigError naming origin and key."""
    setting = setting_for(key)
    if setting is None:
        near = [k for k in SCHEMA if k.rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1]]
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise ConfigError(f"{origin}: unknown key {key!r}{hint}")
    want = setting.type
    value = raw
    if want is list:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise ConfigError(f"{origin}: {key}: expected a list of strings, got {raw!r}")
        return list(raw)
    if want is dict:
        return _table(key, raw, origin)
    if isinstance(raw, str) and want is not str:
        value = _parse_text(raw, want)
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        raise ConfigError(f"{origin}: {key}: expected {want.__name__}, got {raw!r}")
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"{origin}: {key}: expected one of {', '.join(setting.choices)}, got {raw!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{origin}: {key}: must not be negative, got {raw!r}")
    return value


def _parse_text(raw: str, want: type) -> Any:
    text = raw.strip()
    try:
        if want is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            return raw
        return want(text)
    except ValueError:
        return raw


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and not full.endswith(".init_options"):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def read_config_file(path: Path) -> dict[str, Any]:
    """The file's settings, flattened and checked; {} when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    return {key: coerce(key, value, str(path)) for key, value in _flatten(table).items()}


def load_config(
    workspace: Path,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    user_file: Path | None = None,
) -> Config:
    env = os.environ if env is None else env
    values = {key: s.default for key, s in SCHEMA.items()}
    sources = dict.fromkeys(SCHEMA, "default")

    def apply(layer: Mapping[str, Any], origin: str) -> None:
        for key, value in layer.items():
            values[key] = value
            sources[key] = origin

    for path in (user_file or user_config_path(), workspace_config_path(workspace)):
        apply(read_config_file(path), str(path))
    for var, keys in ENVIRONMENT.items():
        if env.get(var):
            apply({k: coerce(k, env[var], f"${var}") for k in keys}, f"${var}")
    for key, value in (flags or {}).items():
        apply({key: coerce(key, value, "flag")}, "flag")
    return Config(values=values, sources=sources)


def parse_set_flags(pairs: list[str]) -> dict[str, str]:
    """`--set key=value` pairs from the command line."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"--set {pair}: expected KEY=VALUE")
        out[key.strip()] = value
    return out
