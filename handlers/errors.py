"""The error handler: log enough to fix the bug, never what the user wrote, and apologise.

The log line names the kind of update (message, command, callback, inline, location), the
exception class and the stack frames – file, line, function, source line – but not the exception
message for non-Telegram errors, because messages like ``KeyError('<user text>')`` can echo what a
user typed. That message is logged at DEBUG only. A user who blocked the bot (``Forbidden``) is
normal life and logged at INFO. The handler itself must never raise.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import N_

from .common import count, translated, update_kind
from .send import Target

log = logging.getLogger(__name__)

APOLOGY = N_("Entschuldigung, da ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal – "
             "oder schreiben Sie /hilfe.")


def describe(error: BaseException) -> str:
    """Class, message only for Telegram errors (Bot API descriptions carry no user text), frames."""
    head = type(error).__name__
    if isinstance(error, TelegramError):
        head += f": {error.message}"
    frames = traceback.format_list(traceback.extract_tb(error.__traceback__)) if error.__traceback__ else []
    return head + ("\n" + "".join(frames).rstrip() if frames else "")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    kind = update_kind(update)
    try:
        count(context, "error")
        if isinstance(error, Forbidden):
            log.info("Bot API refused a %s answer (bot blocked or removed from chat): %s", kind, error.message)
            return
        log.error("Error while handling a %s update: %s", kind, describe(error) if error else "unknown")
        log.debug("Error message: %r", error)
        message = update.effective_message if isinstance(update, Update) else None
        if isinstance(message, Message):  # not for inline queries: there is no chat to write to
            await context.bot.send_message(text=translated(update, context, APOLOGY),
                                           **Target.of(message).kwargs(first=False))
    except Exception as exc:  # noqa: BLE001 - an error handler that raises would only log more noise
        log.warning("Error handler could not complete: %s", type(exc).__name__)
