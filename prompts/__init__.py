"""Prompt trees with priorities, a renderer that fits them to a token budget, and the templates.

Pure: no I/O, no model. A token counter (`str -> int`) is passed in; see prompts.tokens.
"""

from prompts.chat import ChatPromptInput, chat_prompt
from prompts.edit import EditPromptInput, edit_prompt
from prompts.edit_format import EditFormatError, EditReply, SearchReplace, parse_edit_reply
from prompts.elements import (
    BASE_PRIORITY,
    AssistantMessage,
    Empty,
    First,
    Isolate,
    Message,
    MessageNode,
    Node,
    Scope,
    SystemMessage,
    UserMessage,
)
from prompts.fim import FIM_FORMATS, FIM_TOKENS, RepoFile, detect_fim_format, fim_prompt, stop_sequences
from prompts.ghost import GhostPromptInput, ghost_prompt
from prompts.items import ContextItem, ContextKind
from prompts.render import (
    CHAT_TOKENS_PER_MESSAGE,
    CHAT_TOKENS_PER_PROMPT,
    PromptTooLarge,
    RenderResult,
    ScopeReport,
    render,
)
from prompts.tokens import CachedCounter, TokenCounter, bpe_counter, estimate_tokens

__all__ = [
    "BASE_PRIORITY",
    "CHAT_TOKENS_PER_MESSAGE",
    "CHAT_TOKENS_PER_PROMPT",
    "FIM_FORMATS",
    "FIM_TOKENS",
    "AssistantMessage",
    "CachedCounter",
    "ChatPromptInput",
    "ContextItem",
    "ContextKind",
    "EditFormatError",
    "EditPromptInput",
    "EditReply",
    "Empty",
    "First",
    "GhostPromptInput",
    "Isolate",
    "Message",
    "MessageNode",
    "Node",
    "PromptTooLarge",
    "RenderResult",
    "RepoFile",
    "Scope",
    "ScopeReport",
    "SearchReplace",
    "SystemMessage",
    "TokenCounter",
    "UserMessage",
    "bpe_counter",
    "chat_prompt",
    "detect_fim_format",
    "edit_prompt",
    "estimate_tokens",
    "fim_prompt",
    "ghost_prompt",
    "parse_edit_reply",
    "render",
    "stop_sequences",
]
