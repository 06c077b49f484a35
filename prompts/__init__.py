"""Prompt trees with priorities, a renderer that fits them to a token budget, and the templates.

Pure: no I/O, no model. A token counter (`str -> int`) is passed in: the model's own (models/ owns tokenizers).
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
from prompts.fim import FIM_FORMATS, stop_sequences
from prompts.ghost import GhostPromptInput, ghost_prompt
from prompts.items import ContextItem, ContextKind
from prompts.render import CHAT_TOKENS_PER_MESSAGE, CHAT_TOKENS_PER_PROMPT, PromptTooLarge, render
from prompts.result import RenderResult, ScopeReport
from prompts.tokens import CachedCounter, TokenCounter

__all__ = [
    "BASE_PRIORITY",
    "CHAT_TOKENS_PER_MESSAGE",
    "CHAT_TOKENS_PER_PROMPT",
    "FIM_FORMATS",
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
    "Scope",
    "ScopeReport",
    "SearchReplace",
    "SystemMessage",
    "TokenCounter",
    "UserMessage",
    "chat_prompt",
    "edit_prompt",
    "ghost_prompt",
    "parse_edit_reply",
    "render",
    "stop_sequences",
]
