"""Config sections with user-chosen names turned into the plain data context/ and lsp.client take."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from context.docs import DocsError, DocsSource
from context.languages import lsp_files
from engine.config import Config, ConfigError

if TYPE_CHECKING:  # lsp.client pulls in lsprotocol (~1 s): imported when servers are asked for, not at launch
    from lsp.client import ServerSpec


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


def _with_files(spec: ServerSpec, extensions: tuple[str, ...] = ()) -> ServerSpec:
    """The spec with its extensions and languageIds from the language table (or `extensions` when given)."""
    table_extensions, language_ids = lsp_files(spec.languages)
    return replace(spec, file_extensions=extensions or table_extensions, language_ids=language_ids)


def default_server_specs() -> list[ServerSpec]:
    """lsp.client's default servers, serving the extensions the language table gives their languages."""
    from lsp.client import default_server_specs as lsp_defaults

    return [_with_files(spec) for spec in lsp_defaults()]


def server_specs(config: Config) -> list[ServerSpec]:
    """The default language servers, with `[lsp.servers.LANGUAGE]` replacing or adding entries."""
    from lsp.client import ServerSpec

    specs = {spec.language: spec for spec in default_server_specs()}
    for language, fields in config.named("lsp.servers").items():
        base = specs.get(language)
        command = fields.get("command") or (base.command if base else "")
        if not command:
            raise ConfigError(f"lsp.servers.{language}: no command")
        # A new language serves the table's files for its name (java, ruby...), unless extensions are set.
        languages = base.languages if base else (language,)
        spec = _with_files(
            ServerSpec(language, command, languages=languages), tuple(fields.get("extensions") or ())
        )
        if not spec.file_extensions:
            raise ConfigError(f"lsp.servers.{language}: set extensions, e.g. ['.ex', '.exs']")
        # A new command does not inherit the default server's arguments.
        inherited = base.args if base and not fields.get("command") else ()
        specs[language] = replace(
            spec,
            args=tuple(fields["args"]) if "args" in fields else inherited,
            init_options=fields.get("init_options") or (base.init_options if base else None),
            display_language=base.display_language if base else language,
        )
    return list(specs.values())
