"""Free text and shared locations.

In a private chat everything is meant for the bot. In groups the bot must not butt in: it reacts
only to messages that mention it (``@netzwerk_bot Jena`` – the mention is removed before the brain
sees the text) or that reply to one of its own messages. Everything else is ignored without a
trace. Edited messages are ignored everywhere (the original was already answered).
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, MessageHandler, filters

from .common import Context, ask_brain, caller_of, count, rate_ok
from .outbox import deliver
from .send import reply

GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def _mention(username: str | None) -> re.Pattern | None:
    return re.compile(rf"(?<![\w@])@{re.escape(username)}(?!\w)", re.IGNORECASE) if username else None


def replies_to_bot(message: Message, bot_id: int) -> bool:
    """A reply to one of the bot's messages (not the service message that opens a forum topic)."""
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id
                and not replied.forum_topic_created)


def addressed_text(message: Message, bot_id: int, username: str | None) -> str | None:
    """The text the brain should see, or ``None`` when the message is not meant for the bot.

    A message posted "via" this bot is one of its own inline results (a network profile): it is
    an answer already, not a question, even in the private chat with the bot.
    """
    if message.via_bot is not None and message.via_bot.id == bot_id:
        return None
    text = message.text or ""
    if message.chat.type not in GROUPS:
        return text if message.chat.type == ChatType.PRIVATE else None
    pattern = _mention(username)
    if pattern is not None and pattern.search(text):
        stripped = " ".join(pattern.sub(" ", text).split())
        return stripped or "/hilfe"  # a bare "@bot" asks what the bot can do
    if replies_to_bot(message, bot_id):
        return text
    return None


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    text = addressed_text(message, context.bot.id, context.bot.username)
    if text is None:
        count(context, "ignored")
        return
    if not await rate_ok(update, context):
        return
    count(context, "text")
    answer = await ask_brain(context, "ask", text, caller=caller_of(update))
    await reply(update, context, answer)
    await deliver(context, answer)


async def on_location(update: Update, context: Context) -> None:
    """A shared location (from the "📍 Standort senden" button or the attachment menu)."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE and not replies_to_bot(message, context.bot.id):
        count(context, "ignored")
        return
    if not await rate_ok(update, context):
        return
    count(context, "location")
    location = message.location
    answer = await ask_brain(context, "locate", location.latitude, location.longitude, caller=caller_of(update))
    await reply(update, context, answer)
    await deliver(context, answer)


def handlers() -> list[BaseHandler]:
    only_new = filters.UpdateType.MESSAGE
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND & only_new, on_text),
        MessageHandler(filters.LOCATION & only_new, on_location),
    ]
