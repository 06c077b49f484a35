"""FIM formats against their documented templates, token tables, detection, stop sequences."""

from __future__ import annotations

import pytest

from prompts import FIM_FORMATS, FIM_TOKENS, RepoFile, detect_fim_format, fim_prompt, stop_sequences

P, S = "def add(a, b):\n    return ", "\n\nprint(add(1, 2))\n"

DOCUMENTED = {
    "starcoder": f"<fim_prefix>{P}<fim_suffix>{S}<fim_middle>",
    "santacoder": f"<fim-prefix>{P}<fim-suffix>{S}<fim-middle>",
    "qwen": f"<|fim_prefix|>{P}<|fim_suffix|>{S}<|fim_middle|>",
    "codellama": f"<PRE> {P} <SUF>{S} <MID>",
    "deepseek": f"<｜fim▁begin｜>{P}<｜fim▁hole｜>{S}<｜fim▁end｜>",
    "codestral": f"[SUFFIX]{S}[PREFIX]{P}",
    "codegemma": f"<|fim_prefix|>{P}<|fim_suffix|>{S}<|fim_middle|>",
}


@pytest.mark.parametrize("fmt", FIM_FORMATS)
def test_format_matches_documented_template(fmt: str) -> None:
    assert fim_prompt(fmt, P, S) == DOCUMENTED[fmt]


def test_qwen_repo_level_form() -> None:
    files = [RepoFile("lib/a.py", "A = 1\n"), RepoFile("lib/b.py", "B = 2")]
    assert fim_prompt("qwen", P, S, repo_name="demo", path="main.py", files=files) == (
        "<|repo_name|>demo\n<|file_sep|>lib/a.py\nA = 1\n<|file_sep|>lib/b.py\nB = 2\n"
        f"<|file_sep|>main.py\n<|fim_prefix|>{P}<|fim_suffix|>{S}<|fim_middle|>"
    )


@pytest.mark.parametrize("fmt", FIM_FORMATS)
def test_detect_each_format_from_its_tokens(fmt: str) -> None:
    vocab = {"hello", "world", *FIM_TOKENS[fmt]}
    assert detect_fim_format(vocab) == fmt


def test_detect_none_without_fim_tokens() -> None:
    assert detect_fim_format(["<bos>", "<eos>", "def"]) is None


@pytest.mark.parametrize("fmt", FIM_FORMATS)
def test_stop_sequences_include_the_formats_markers(fmt: str) -> None:
    stops = stop_sequences(fmt)
    assert stops and not set(stops) & {"", "\n"}


def test_prefix_only_stop_and_unknown_format() -> None:
    assert stop_sequences(None) == ("\n\n\n",)
    with pytest.raises(ValueError, match="unknown FIM format"):
        stop_sequences("gpt")
