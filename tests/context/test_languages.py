"""context/languages.py: the one table of languages stays consistent with itself and with the tools it names."""

from __future__ import annotations

import collections

from textual.widgets import TextArea

from context.languages import LANGUAGES, SYMBOL_LANGUAGES, detect_language, grammar, language_info, lsp_files


def test_each_extension_file_name_and_interpreter_names_one_language() -> None:
    for field in ("extensions", "filenames", "interpreters"):
        counts = collections.Counter(key for info in LANGUAGES for key in getattr(info, field))
        assert [key for key, n in counts.items() if n > 1] == [], field
    assert all(ext == ext.lower() and ext.startswith(".") for info in LANGUAGES for ext in info.extensions)
    assert len({info.name for info in LANGUAGES}) == len(LANGUAGES)


def test_highlight_names_are_languages_textual_ships() -> None:
    shipped = TextArea().available_languages
    named = {info.highlight for info in LANGUAGES if info.highlight}
    assert named <= shipped
    # Every language Textual ships that caret can detect is highlighted.
    assert {name for name in shipped if language_info(name)} <= named


def test_every_grammar_loads() -> None:
    assert {"python", "javascript", "typescript", "tsx", "go", "rust", "c", "cpp", "java"} == SYMBOL_LANGUAGES
    for name in SYMBOL_LANGUAGES:
        assert grammar(name) is not None


def test_lsp_language_ids_per_extension() -> None:
    extensions, ids = lsp_files(["typescript", "tsx", "javascript"])
    assert {".ts", ".tsx", ".js", ".jsx", ".mjs"} <= set(extensions)
    assert (ids[".ts"], ids[".tsx"], ids[".js"], ids[".jsx"]) == (
        "typescript", "typescriptreact", "javascript", "javascriptreact")
    assert lsp_files(["bash", "no-such-language"]) == ((".sh", ".bash", ".zsh"), dict.fromkeys(
        (".sh", ".bash", ".zsh"), "shellscript"))


def test_file_names_come_before_extensions() -> None:
    assert detect_language("src/CMakeLists.txt") == "cmake"
    assert detect_language("Makefile") == "make"
    assert detect_language("notes.txt") is None
    assert detect_language("script", "#!/usr/bin/env perl") == "perl"
