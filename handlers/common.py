"""Small helpers every handler uses: where the brain and settings live, counters, the rate gate.

Everything the handlers share is kept in ``application.bot_data`` under the keys below, so tests
can build an Application with any brain and inspect the counters without globals.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from telegram import Update
from telegram.ext import ContextTypes

from bot import i18n
from bot.brain import Brain
from bot.models import Answer, Caller
from bot.settings import Settings

from .ratelimit import NOTICE, RateLimiter

log = logging.getLogger(__name__)

BRAIN = "brain"
SETTINGS = "settings"
COUNTS = "update_counts"  # Counter: handled updates per kind (command, text, callback, …)
LIMITER = "rate_limiter"
STARTED = "started"  # time.time() when the Application was built

Context = ContextTypes.DEFAULT_TYPE


def brain_of(context: Context) -> Brain:
    return context.application.bot_data[BRAIN]


def caller_of(update: Update) -> Caller:
    """Who asks, for the brain: the conversation is the chat (in groups, the chat and the user, so two
    people asking at once do not answer each other's follow-ups), the user id for what is kept per user,
    and the client's language."""
    chat, user = update.effective_chat, update.effective_user
    conversation = None
    if chat is not None:
        conversation = f"c{chat.id}" if chat.type == "private" or user is None else f"c{chat.id}:u{user.id}"
    elif user is not None:  # inline queries have no chat
        conversation = f"u{user.id}"
    return Caller(conversation=conversation, user=str(user.id) if user else None,
                  lang=(user.language_code or None) if user else None)


async def ask_brain(context: Context, kind: str, *args, caller: Caller | None = None) -> Answer:
    """``brain.<kind>(*args)`` (``ask``, ``act`` or ``locate``): a cached answer straight from the event
    loop, anything else in a worker thread, so a slow answer never stalls the loop (other updates,
    getUpdates). Most traffic repeats (/start, buttons, paging), and for a cache hit the thread hop
    cost more than the answer."""
    brain = brain_of(context)
    answer = brain.cached(kind, *args, caller=caller)
    if answer is None:
        answer = await asyncio.to_thread(getattr(brain, kind), *args, caller=caller)
    return answer


def language_of(update: object, context: Context) -> str:
    """The language the brain would answer ``update`` in (the chat's choice, else the client's), for the few
    texts the handlers send themselves (the rate-limit notice, the apology after an error)."""
    if not isinstance(update, Update):
        return i18n.DEFAULT
    try:
        return brain_of(context).language(caller_of(update))
    except Exception:  # noqa: BLE001 - a text in the default language is better than none
        return i18n.DEFAULT


def translated(update: object, context: Context, message: str) -> str:
    """``message`` (a German text marked with ``N_``) in the language of ``update``."""
    with i18n.use(language_of(update, context)):
        return i18n._(message)


def settings_of(context: Context) -> Settings:
    return context.application.bot_data[SETTINGS]


def count(context: Context, kind: str) -> None:
    """Count one handled update of ``kind`` for /stats (anonymous: no ids, no texts)."""
    context.application.bot_data.setdefault(COUNTS, Counter())[kind] += 1


def update_kind(update: object) -> str:
    """A coarse, text-free label of an update for logs and counters."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query:
        return "callback"
    if update.inline_query:
        return "inline"
    message = update.effective_message
    if message is None:
        return "other"
    if message.location:
        return "location"
    if message.text and message.text.startswith("/"):
        return "command"
    if message.text:
        return "text"
    return "message"


async def rate_ok(update: Update, context: Context) -> bool:
    """True if the user may be answered; sends the one-time notice when the limit is first hit.

    Called by a handler only after it decided the update is meant for the bot, so ordinary group
    chatter never counts against anybody.
    """
    user = update.effective_user
    limiter: RateLimiter | None = context.application.bot_data.get(LIMITER)
    if user is None or limiter is None:
        return True
    verdict = limiter.check(user.id)
    if verdict == "ok":
        return True
    count(context, "rate_limited")
    log.info("Rate limit reached for a user (%s)", verdict)
    if update.callback_query:
        # A callback query must always be answered, or the client shows a spinner.
        await update.callback_query.answer(translated(update, context, NOTICE) if verdict == "notice" else None)
    elif verdict == "notice" and update.effective_message:
        await update.effective_message.reply_text(translated(update, context, NOTICE))
    return False
