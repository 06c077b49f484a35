"""Fill-in-the-middle prompt formats by model family, their special tokens and stop sequences.

Templates (prefix P, suffix S; the model writes the middle):
  starcoder   <fim_prefix>P<fim_suffix>S<fim_middle>            (StarCoder, StarCoder2)
  santacoder  <fim-prefix>P<fim-suffix>S<fim-middle>            (SantaCoder spells them with hyphens)
  qwen        <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>      (Qwen2.5-Coder); with other files, the
              repo-level form: <|repo_name|>R\n<|file_sep|>path\ntext\n ... <|file_sep|>path\n<|fim_prefix|>...
  codellama   <PRE> P <SUF>S <MID>                              (CodeLlama's infilling text form)
  deepseek    <｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>         (DeepSeek-Coder; full-width bars)
  codestral   [SUFFIX]S[PREFIX]P                                (Codestral: suffix first)
  codegemma   <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>      (CodeGemma; ends with <|file_separator|>)
Every format except codestral starts with the prefix, so consecutive keystrokes share the longest prefix.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

FIM_FORMATS = ("starcoder", "santacoder", "qwen", "codellama", "deepseek", "codestral", "codegemma")

# The special tokens of each format; models/ detects a GGUF's format by looking for them in its vocabulary.
FIM_TOKENS: dict[str, tuple[str, ...]] = {
    "starcoder": ("<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>", "<file_sep>", "<repo_name>"),
    "santacoder": ("<fim-prefix>", "<fim-suffix>", "<fim-middle>", "<fim-pad>"),
    "qwen": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"),
    "codellama": ("<PRE>", "<SUF>", "<MID>", "<EOT>"),
    "deepseek": ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"),
    "codestral": ("[SUFFIX]", "[PREFIX]", "[MIDDLE]"),
    "codegemma": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_separator|>"),
}

# Detection order: most specific token sets first (qwen and codegemma share their fim_* tokens).
_DETECT_ORDER = ("qwen", "codegemma", "starcoder", "santacoder", "deepseek", "codestral", "codellama")
_DETECT_REQUIRED: dict[str, tuple[str, ...]] = {
    "qwen": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_sep|>"),
    "codegemma": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_separator|>"),
    "starcoder": ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    "santacoder": ("<fim-prefix>", "<fim-suffix>", "<fim-middle>"),
    "deepseek": ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"),
    "codestral": ("[SUFFIX]", "[PREFIX]"),
    "codellama": ("<PRE>", "<SUF>", "<MID>"),
}

_STOPS: dict[str, tuple[str, ...]] = {
    "starcoder": ("<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    "santacoder": ("<|endoftext|>", "<fim-prefix>", "<fim-suffix>", "<fim-middle>"),
    "qwen": ("<|endoftext|>", "<|file_sep|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>",
             "<|fim_pad|>", "<|repo_name|>", "<|im_start|>", "<|im_end|>"),
    "codellama": ("<EOT>", "</s>", "<PRE>", "<SUF>", "<MID>"),
    "deepseek": ("<｜end▁of▁sentence｜>", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<|EOT|>"),
    "codestral": ("</s>", "[PREFIX]", "[SUFFIX]", "[MIDDLE]"),
    "codegemma": ("<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<eos>"),
}


@dataclass(frozen=True)
class RepoFile:
    """Another file shown to a repo-level FIM prompt (Qwen's <|file_sep|> form)."""

    path: str
    text: str


def check_format(fim_format: str) -> str:
    if fim_format not in FIM_FORMATS:
        raise ValueError(f"unknown FIM format {fim_format!r}; expected one of {', '.join(FIM_FORMATS)}")
    return fim_format


def stop_sequences(fim_format: str | None) -> tuple[str, ...]:
    """Strings that end a completion in this format; for prefix-only continuation, a blank-line pair."""
    if fim_format is None:
        return ("\n\n\n",)
    return _STOPS[check_format(fim_format)]


def detect_fim_format(vocabulary: Collection[str]) -> str | None:
    """The FIM format whose special tokens are all in `vocabulary` (a model's token strings), else None."""
    vocab = vocabulary if isinstance(vocabulary, set | frozenset | dict) else set(vocabulary)
    for name in _DETECT_ORDER:
        if all(tok in vocab for tok in _DETECT_REQUIRED[name]):
            return name
    return None


def fim_head(fim_format: str) -> str:
    """What comes before the prefix (empty for suffix-first codestral, whose layout is fixed)."""
    return {"starcoder": "<fim_prefix>", "santacoder": "<fim-prefix>", "qwen": "<|fim_prefix|>",
            "codellama": "<PRE> ", "deepseek": "<｜fim▁begin｜>", "codestral": "",
            "codegemma": "<|fim_prefix|>"}[check_format(fim_format)]


def fim_tail(fim_format: str, suffix: str) -> str:
    """What comes after the prefix: the suffix between the format's markers, ending where the model writes."""
    check_format(fim_format)
    if fim_format == "starcoder":
        return f"<fim_suffix>{suffix}<fim_middle>"
    if fim_format == "santacoder":
        return f"<fim-suffix>{suffix}<fim-middle>"
    if fim_format in ("qwen", "codegemma"):
        return f"<|fim_suffix|>{suffix}<|fim_middle|>"
    if fim_format == "codellama":
        return f" <SUF>{suffix} <MID>"
    if fim_format == "deepseek":
        return f"<｜fim▁hole｜>{suffix}<｜fim▁end｜>"
    return ""  # codestral: see fim_prompt


def qwen_repo_file(path: str, text: str) -> str:
    """One other file in Qwen2.5-Coder's repo-level form."""
    return f"<|file_sep|>{path}\n{text}" + ("" if text.endswith("\n") else "\n")


def qwen_repo_head(repo_name: str, files: Sequence[RepoFile], path: str) -> str:
    """Qwen2.5-Coder's repo-level header: the repository, the other files, then the current file's path."""
    return f"<|repo_name|>{repo_name}\n" + "".join(qwen_repo_file(f.path, f.text) for f in files) + \
        f"<|file_sep|>{path}\n"


def fim_prompt(fim_format: str, prefix: str, suffix: str, *, repo_name: str = "", path: str = "",
               files: Sequence[RepoFile] = ()) -> str:
    """The plain FIM prompt of a format (the ghost template builds the same layout as a tree). For qwen with
    `files`, the repo-level form."""
    if check_format(fim_format) == "codestral":
        return f"[SUFFIX]{suffix}[PREFIX]{prefix}"
    head = fim_head(fim_format)
    if fim_format == "qwen" and files:
        head = qwen_repo_head(repo_name, files, path) + head
    return f"{head}{prefix}{fim_tail(fim_format, suffix)}"
