"""The chat panel (Ctrl+L): questions about the workspace, answers streamed from the chat model."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, TextArea


class ChatPanel(Vertical):
    """The chat side panel: a transcript the answer streams into, and a question box."""
    DEFAULT_CSS = """
    ChatPanel { width: 60; border-left: solid $panel; display: none; }
    ChatPanel.-open { display: block; }
    ChatPanel > Static { height: 1; background: $panel; padding: 0 1; }
    ChatPanel > TextArea { height: 1fr; }
    ChatPanel > Input { height: 3; }
    """

    class Asked(Message):
        """The user submitted a question."""
        def __init__(self, question: str) -> None:
            super().__init__()
            self.question = question

    def compose(self) -> ComposeResult:
        yield Static("Chat · @file @symbol @docs:NAME @diff · F2 shows the prompt")
        yield TextArea("", read_only=True, soft_wrap=True, id="transcript")
        yield Input(placeholder="Ask about your code…", id="question")

    @property
    def transcript(self) -> TextArea:
        """The read-only area the conversation is written to."""
        return self.query_one("#transcript", TextArea)

    def append(self, text: str) -> None:
        """Add streamed text at the end of the transcript and keep it in view."""
        area = self.transcript
        end = area.document.end
        area.insert(text, end)  # read_only blocks typing, not programmatic inserts
        area.scroll_end(animate=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        event.input.value = ""
        if question:
            self.append(f"\n> {question}\n\n")
            self.post_message(self.Asked(question))
