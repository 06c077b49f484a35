"""The chat panel (Ctrl+L): the conversation, answers rendered as Markdown while they stream, Stop / Apply / New chat,
Copy on each code block, @-mention autocomplete and the saved chats. Widgets only: editor/chat_flow.py turns the
panel's requests into engine calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.message import Message
from textual.widgets import Button, Input, Markdown, OptionList, Select, Static
from textual.widgets.markdown import MarkdownBlock, MarkdownFence, MarkdownStream

from editor.mention_picker import MentionInput, MentionPicker, mention_at_cursor
from engine.mention_complete import MentionCandidate

RequestKind = Literal["ask", "stop", "apply", "new", "open", "copy", "mentions"]


def user_turn_markdown(question: str) -> str:
    """The user's turn as Markdown: a "You" label and the question as a quote."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in question.splitlines())
    return f"**You:**\n\n{quoted}\n"


class CodeBlock(MarkdownFence):
    """A fenced code block of an answer, with a Copy button under its code."""

    DEFAULT_CSS = """
    CodeBlock > Button { margin: 0 0 0 2; }
    CodeBlock:ansi > Button { margin: 0; }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Button("Copy", classes="copy", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(ChatPanel.Request("copy", self.code))


class AnswerMarkdown(Markdown):
    """An answer's Markdown: code blocks get a Copy button."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {**Markdown.BLOCKS, "fence": CodeBlock, "code_block": CodeBlock}


class AnswerView(Vertical):
    """One answer: its Markdown (streamed into) and an Apply button shown when it holds file edits."""

    DEFAULT_CSS = """
    AnswerView { height: auto; }
    AnswerView > AnswerMarkdown { margin: 0; }
    AnswerView > Button { display: none; margin: 0 1; }
    AnswerView.-applicable > Button { display: block; }
    """

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        yield AnswerMarkdown(self.text)
        yield Button("Apply", classes="apply", compact=True)

    async def write(self, delta: str) -> None:
        """Append streamed text; MarkdownStream batches fragments so fast tokens don't outrun the renderer."""
        self.text += delta
        if self._stream is None:
            self._stream = Markdown.get_stream(self.query_one(AnswerMarkdown))
        await self._stream.write(delta)

    async def finish(self, applicable: bool) -> None:
        """The answer is complete (or stopped): flush the stream; show Apply when it holds file edits."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.set_class(applicable, "-applicable")

    def abort(self) -> None:
        """The answer was stopped: flush what streamed so far without waiting (callers may not await)."""
        if self._stream is not None:
            self.call_later(self._stream.stop)
            self._stream = None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("apply"):
            event.stop()
            self.post_message(ChatPanel.Request("apply", self.text))


class Transcript(VerticalScroll):
    """The conversation, oldest turn first; `text` is its Markdown source."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; }
    Transcript > Markdown { margin: 0; }
    """

    @property
    def text(self) -> str:
        """Every turn's Markdown, in order (user turns, answers and notes)."""
        parts = [child.text if isinstance(child, AnswerView) else child.source for child in self.children
                 if isinstance(child, (AnswerView, Markdown))]
        return "\n".join(parts)


class ChatPanel(Vertical):
    """The chat side panel: saved chats, the transcript answers stream into, and a question box."""

    DEFAULT_CSS = """
    ChatPanel { width: 60; border-left: solid $panel; display: none; }
    ChatPanel.-open { display: block; }
    ChatPanel > Static { height: 1; background: $panel; padding: 0 1; }
    ChatPanel > Horizontal { height: auto; }
    ChatPanel > Horizontal > Select { width: 1fr; }
    ChatPanel > Input { height: 3; }
    ChatPanel > MentionPicker { border-top: solid $panel; }
    ChatPanel #stop { display: none; }
    ChatPanel.-streaming #stop { display: block; }
    """
    BINDINGS = [
        Binding("escape", "stop", "Stop answer", show=False),
        Binding("ctrl+shift+l", "new_chat", "New chat", show=False),
    ]

    chat_name: str | None = None  # the saved session the conversation goes to; None until its first answer

    class Request(Message):
        """Something for chat_flow.py to do: ask `value`, stop the answer, apply `value`, start a new chat, open
        the saved chat named `value`, copy `value` (a code block) or find @-mention candidates for `value`."""

        def __init__(self, kind: RequestKind, value: str = "") -> None:
            super().__init__()
            self.kind: RequestKind = kind
            self.value = value

    def compose(self) -> ComposeResult:
        yield Static("Chat · @file @symbol @docs:NAME @diff · F2 shows the prompt")
        with Horizontal():
            yield Select[str]([], prompt="Saved chats", id="chats", compact=True)
            yield Button("New", id="new-chat", compact=True)
            yield Button("Stop", id="stop", compact=True)
        yield Transcript(id="transcript")
        yield (picker := MentionPicker())
        yield MentionInput(picker, placeholder="Ask about your code… (@ to mention a file)",
                           id="question")

    @property
    def transcript(self) -> Transcript:
        """The scrolling conversation."""
        return self.query_one(Transcript)

    @property
    def streaming(self) -> bool:
        """True while an answer is streaming in."""
        return self.has_class("-streaming")

    async def add_user_turn(self, question: str) -> None:
        """Show the user's question."""
        await self._add(Markdown(user_turn_markdown(question)))

    async def add_note(self, note: str) -> None:
        """Show a line that is not part of the conversation (a note, an error)."""
        await self._add(Markdown(f"*{note}*"))

    async def add_answer(self, text: str = "") -> AnswerView:
        """A new answer, empty for streaming into or with the `text` of a saved chat."""
        view = AnswerView(text)
        await self._add(view)
        return view

    async def _add(self, widget: Markdown | AnswerView) -> None:
        transcript = self.transcript
        transcript.anchor()  # keep the newest text in view while it streams
        await transcript.mount(widget)

    async def clear(self) -> None:
        """Empty the transcript (a new chat, or before showing a saved one)."""
        await self.transcript.remove_children()

    def set_streaming(self, streaming: bool) -> None:
        """Show Stop while an answer streams."""
        self.set_class(streaming, "-streaming")

    def set_saved_chats(self, chats: list[tuple[str, str]]) -> None:
        """The saved chats as (title, name), newest first."""
        self.query_one("#chats", Select).set_options(chats)

    def action_stop(self) -> None:
        """Esc: stop the answer that is streaming."""
        if self.streaming:
            self.post_message(self.Request("stop"))

    def action_new_chat(self) -> None:
        """Ctrl+Shift+L: start a new conversation."""
        self.post_message(self.Request("new"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-chat":
            self.action_new_chat()
        elif event.button.id == "stop":
            self.action_stop()

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.post_message(self.Request("open", event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        event.input.value = ""
        if question:
            self.post_message(self.Request("ask", question))

    # -- @-mention autocomplete --
    mention_wanted: str | None = None  # the prefix whose candidates the dropdown waits for (the newest typed)
    mention_ranking = False  # True while chat_flow.py ranks candidates (one ranking at a time)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing in the question: ask for candidates for the @word at the cursor, or close the dropdown."""
        found = mention_at_cursor(event.value, event.input.cursor_position)
        self.mention_wanted = None if found is None else found[1]
        if found is None:
            self.query_one(MentionPicker).close()
        else:
            self.post_message(self.Request("mentions", found[1]))

    def show_mentions(self, prefix: str, candidates: Sequence[MentionCandidate]) -> None:
        """Candidates for '@prefix' arrived: shown when the user is still typing that mention."""
        question = self.query_one(MentionInput)
        found = mention_at_cursor(question.value, question.cursor_position)
        if found is not None and found[1] == prefix == self.mention_wanted:
            self.query_one(MentionPicker).show(found[0], candidates)

    def on_key(self, event: Key) -> None:
        if event.key == "escape":  # Esc closed the dropdown (or stops the answer): late candidates stay away
            self.mention_wanted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click on a candidate
        picker = self.query_one(MentionPicker)
        question = self.query_one(MentionInput)
        question.insert_candidate(picker.chosen)
        question.focus()
