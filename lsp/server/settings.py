"""Settings from the editor: `initializationOptions` and `workspace/didChangeConfiguration` carry caret's config
keys, nested (`{"completion": {"debounce_ms": 30}}`) or dotted (`{"completion.debounce_ms": 30}`), optionally
under a `caret` section (how VS Code and Neovim name a server's settings)."""

from __future__ import annotations

from typing import Any

# Tables whose keys are data, not config keys: kept whole.
_TABLES = (".init_options",)


def flatten(options: Any) -> dict[str, Any]:
    """Dotted config keys from an editor's settings object ({} for null or a non-object)."""
    if not isinstance(options, dict):
        return {}
    if isinstance(options.get("caret"), dict) and len(options) == 1:
        options = options["caret"]
    flat: dict[str, Any] = {}

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            full = f"{prefix}{key}"
            if isinstance(value, dict) and not full.endswith(_TABLES):
                walk(value, full + ".")
            else:
                flat[full] = value

    walk(options, "")
    return flat
