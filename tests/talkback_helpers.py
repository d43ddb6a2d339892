"""Helpers shared by the talkback tests: a chat with the brain as one user, and a brain with its own
user database."""

from __future__ import annotations

from bot.models import Answer, Caller
from bot.render import to_telegram, to_text

ADMIN = "999"
USER = "4711"
JENA = "jenaer-allianz-fuer-fachkraefte"


class Chat:
    """One user talking to the brain the way a face does (a caller with conversation and user)."""

    def __init__(self, brain, user: str = USER, conversation: str | None = None):
        self.brain = brain
        self.caller = Caller(conversation=conversation or f"c{user}", user=user, lang="de")
        self.last: Answer | None = None

    def say(self, text: str) -> Answer:
        self.last = self.brain.ask(text, caller=self.caller)
        return self.last

    def press(self, action: str) -> Answer:
        self.last = self.brain.act(action, caller=self.caller)
        return self.last

    def share(self, lat: float, lon: float) -> Answer:
        self.last = self.brain.locate(lat, lon, caller=self.caller)
        return self.last


def text(answer: Answer) -> str:
    return to_text(answer, numbered=False)


def html(answer: Answer) -> str:
    return "\n".join(m.html for m in to_telegram(answer))


def actions_of(answer: Answer) -> list[str]:
    return [b.action for row in answer.buttons for b in row if b.action]


def button(answer: Answer, start: str) -> str:
    """The action of the first button whose text starts with ``start``."""
    for row in answer.buttons:
        for b in row:
            if b.text.startswith(start) and b.action:
                return b.action
    raise AssertionError(f"no button {start!r} in {[b.text for row in answer.buttons for b in row]}")
