"""Fill-in-the-middle prompt formats by model family: the pieces prompts.ghost lays out, and stop sequences.

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
Which format a model knows is the model's business (models/ reads it from the GGUF vocabulary or the model's
name); it reaches prompts/ as one of these plain names.
"""

from __future__ import annotations

FIM_FORMATS = ("starcoder", "santacoder", "qwen", "codellama", "deepseek", "codestral", "codegemma")

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


def check_format(fim_format: str) -> str:
    """`fim_format` itself when it is one of FIM_FORMATS; ValueError otherwise."""
    if fim_format not in FIM_FORMATS:
        raise ValueError(f"unknown FIM format {fim_format!r}; expected one of {', '.join(FIM_FORMATS)}")
    return fim_format


def stop_sequences(fim_format: str | None) -> tuple[str, ...]:
    """Strings that end a completion in this format; for prefix-only continuation, a blank-line pair."""
    if fim_format is None:
        return ("\n\n\n",)
    return _STOPS[check_format(fim_format)]


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
    return ""  # codestral: suffix first, laid out by prompts.ghost


def qwen_repo_file(path: str, text: str) -> str:
    """One other file in Qwen2.5-Coder's repo-level form."""
    return f"<|file_sep|>{path}\n{text}" + ("" if text.endswith("\n") else "\n")
