"""Config sections with user-chosen names turned into the plain data context/ and lsp/client.py take."""

from __future__ import annotations

import json
from typing import Any

from context.docs import DocsError, DocsSource
from engine.config import Config, ConfigError
from lsp.client import ServerSpec
from lsp.client_specs import default_server_specs


def docs_sources(config: Config) -> list[DocsSource]:
    """`[docs.NAME]` with one of folder / url / python."""
    sources = []
    for name, fields in sorted(config.named("docs").items()):
        kinds = [k for k in ("folder", "url", "python") if fields.get(k)]
        if len(kinds) != 1:
            raise ConfigError(f"docs.{name}: set exactly one of folder, url or python")
        kind = kinds[0]
        try:
            sources.append(DocsSource(
                name=name, kind=kind, location=fields[kind], max_pages=fields.get("max_pages", 200),
                max_age_s=fields.get("max_age_days", 7.0) * 86400,
            ))
        except DocsError as exc:
            raise ConfigError(str(exc)) from exc
    return sources


def server_specs(config: Config) -> list[ServerSpec]:
    """The default language servers, with `[lsp.servers.LANGUAGE]` replacing or adding entries."""
    specs = {spec.language: spec for spec in default_server_specs()}
    for language, fields in config.named("lsp.servers").items():
        base = specs.get(language)
        command = fields.get("command") or (base.command if base else "")
        if not command:
            raise ConfigError(f"lsp.servers.{language}: no command")
        extensions = tuple(fields.get("extensions") or (base.file_extensions if base else ()))
        if not extensions:
            raise ConfigError(f"lsp.servers.{language}: set extensions, e.g. ['.ex', '.exs']")
        init: dict[str, Any] | None = base.init_options if base else None
        if fields.get("init_options"):
            try:
                init = json.loads(fields["init_options"])
            except json.JSONDecodeError as exc:
                raise ConfigError(f"lsp.servers.{language}.init_options: not JSON: {exc.msg}") from exc
        # A new command does not inherit the default server's arguments.
        inherited = base.args if base and not fields.get("command") else ()
        specs[language] = ServerSpec(
            language=language,
            command=command,
            args=tuple(fields["args"]) if "args" in fields else inherited,
            init_options=init,
            file_extensions=extensions,
            display_language=base.display_language if base else language,
        )
    return list(specs.values())
