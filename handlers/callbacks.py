"""Inline-keyboard presses.

The callback data is an action string (see :mod:`bot.actions`) that describes the whole query, so
a button works after a restart; ``brain.act`` returns a polite "nicht verfügbar" answer for forged
or outdated data. The query is answered *first* (it stops the client's spinner, and Telegram
expects it within seconds), then the message is edited in place – paging through a list should not
flood the chat. Anything beyond the first rendered message (a second chunk) is sent as new message.

An answer with a venue (the 🗺 Karte button) is sent as new messages instead: a text message
cannot become a map pin, and the profile the user came from stays readable above it. Profile and
contact cards opened from a list also come as new messages, so the list stays to go back to.

Talkback buttons (``bot.actions.is_feedback``: report, 👍/👎, admin decisions, home place, abo) ask the
brain *before* answering the query, because their answer carries the toast ("Danke!"). An answer
marked ``below`` comes as a new message under the one the button sat on; ``strip_actions`` removes
buttons from that message (the 👍/👎 row disappears after a press; the rest of the keyboard stays).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import actions
from bot.render import to_telegram

from .common import Context, ask_brain, caller_of, count, rate_ok
from .outbox import deliver
from .send import NO_PREVIEW, Target, _with_retry, inline_keyboard, is_not_modified, send_messages

log = logging.getLogger(__name__)

CARD_ACTIONS = ("p:", "c:")  # profile and contact cards (see bot.actions)


async def on_callback(update: Update, context: Context) -> None:
    query = update.callback_query
    if not await rate_ok(update, context):  # answers the query itself
        return
    own = actions.is_feedback(query.data)
    if not own:
        await query.answer()
    count(context, "callback")
    answer = None
    try:
        answer = await ask_brain(context, "act", query.data or "", caller=caller_of(update))
    finally:
        if own:  # with the brain's toast; if the brain failed, still stop the client's spinner
            await query.answer(((answer.toast or "")[:200] or None) if answer is not None else None)
    origin = query.message  # None for messages sent via inline mode; "inaccessible" when very old
    target = None
    if origin is not None:
        target = Target.of(origin) if isinstance(origin, Message) else Target(origin.chat.id)
    if answer.strip_actions and isinstance(origin, Message):
        await _strip_buttons(query, origin, answer.strip_actions)
    await _show(query, context, answer, origin, target)
    await deliver(context, answer)


async def _strip_buttons(query, origin: Message, prefix: str) -> None:
    """Remove the buttons whose callback data starts with ``prefix`` from the message they sat on."""
    markup = origin.reply_markup
    if markup is None:
        return
    rows = [[button for button in row if not str(button.callback_data or "").startswith(prefix)]
            for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    try:
        await _with_retry(query.edit_message_reply_markup, reply_markup=InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:
        if not is_not_modified(exc):
            log.info("Cannot remove the buttons (%s)", exc)


async def _show(query, context: Context, answer, origin, target: Target | None) -> None:
    if answer.below and not answer.paragraphs:
        return  # the press only needed its toast (👍)
    messages = to_telegram(answer)
    # Paging and lists replace the message in place; a profile or contact card opened from a list comes
    # as a new message below it, so the list stays there to go back to.
    opens_card = ((query.data or "")[:2] in CARD_ACTIONS or answer.below) and isinstance(origin, Message)
    editable = answer.venue is None and not opens_card and (query.inline_message_id or isinstance(origin, Message))
    if editable:
        first = messages[0]
        try:
            # a repeated edit is harmless ("message is not modified"), so edits are retried like sends
            await _with_retry(query.edit_message_text, first.html, parse_mode=ParseMode.HTML,
                              link_preview_options=NO_PREVIEW, reply_markup=inline_keyboard(first.buttons))
            messages = messages[1:]
        except BadRequest as exc:
            if is_not_modified(exc):  # a double tap: the message already shows this answer
                log.debug("Edit skipped: message not modified")
                return
            log.info("Cannot edit the message (%s); sending the answer as a new message", exc)
    if not messages:
        return
    if target is None:
        # A message sent via inline mode lives in a chat the bot may not be in: only editing works.
        log.debug("Dropping %d extra message(s) for an inline message", len(messages))
        return
    await send_messages(context.bot, target, messages)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_callback)]
