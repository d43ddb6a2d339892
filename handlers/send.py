"""Sending and editing a rendered answer.

:func:`bot.render.to_telegram` already did the hard parts (HTML escaping, 4096-character chunks,
64-byte callback data); this module only maps its messages onto Bot API calls:

* text chunks → ``sendMessage`` with ``parse_mode=HTML`` and link previews off (profiles contain
  websites, and a preview card per answer would bury the list);
* a chunk's buttons → an inline keyboard (callback data, URL or switch-inline buttons);
* a venue → ``sendVenue`` when an address is known, else a plain ``sendLocation`` pin.

A reply keyboard (the "📍 Standort senden" button, or its removal) can only ride on a message
without an inline keyboard, because a message has exactly one ``reply_markup``.
"""

from __future__ import annotations

import logging

import httpx
from dataclasses import dataclass

from telegram import (Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, LinkPreviewOptions, Message,
                      ReplyKeyboardMarkup, ReplyKeyboardRemove, ReplyParameters, Update)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ContextTypes

from bot import i18n
from bot.i18n import N_
from bot.models import Answer, Button
from bot.render import TelegramMessage, to_telegram

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# in the answer's language (``Answer.lang``)
LOCATION_BUTTON = N_("📍 Standort senden")
LOCATION_ACK = N_("📍 Standort erhalten.")
LOCATION_HINT = N_("Tippen Sie unten auf „{button}“.")
KEYBOARD_SHOWN = "location_keyboard_shown"  # chat_data flag: our reply keyboard is on screen


class SerialisedKeyboard(InlineKeyboardMarkup):
    """An inline keyboard that turns itself into a dict once.

    PTB serialises reply markup on every request, button object by button object; the same keyboards
    go out again and again (cached answers, paging, the help menu), so :func:`inline_keyboard` keeps
    them and each keeps its dict. PTB only reads the dict (``json.dumps``), nobody may change it.
    It equals a plain ``InlineKeyboardMarkup`` with the same buttons but hashes differently (PTB
    hashes the class); nothing here hashes keyboards.
    """

    __slots__ = ("_as_dict",)

    def __init__(self, inline_keyboard, **kwargs):
        super().__init__(inline_keyboard, **kwargs)
        with self._unfrozen():
            self._as_dict = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict:
        return self._as_dict if recursive else super().to_dict(recursive)


KEYBOARDS = 2048  # keyboards kept (cleared when full)
_keyboards: dict[tuple, SerialisedKeyboard] = {}


def inline_keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    """The renderer's buttons as an inline keyboard; ``None`` when there are none. The same buttons
    give the same (immutable) keyboard object."""
    key = tuple(tuple((b.text, b.url, b.switch_inline, b.action) for b in row) for row in rows)
    found = _keyboards.get(key)
    if found is not None:
        return found
    keyboard = []
    for row in rows:
        out = []
        for button in row:
            if button.url:
                out.append(InlineKeyboardButton(button.text, url=button.url))
            elif button.switch_inline is not None:
                out.append(InlineKeyboardButton(button.text, switch_inline_query_current_chat=button.switch_inline))
            elif button.action:
                out.append(InlineKeyboardButton(button.text, callback_data=button.action))
        if out:
            keyboard.append(out)
    if not keyboard:
        return None
    if len(_keyboards) >= KEYBOARDS:
        _keyboards.clear()
    found = _keyboards[key] = SerialisedKeyboard(keyboard)
    return found


def location_keyboard(lang: str = i18n.DEFAULT) -> ReplyKeyboardMarkup:
    with i18n.use(lang):
        text = i18n._(LOCATION_BUTTON)
    return ReplyKeyboardMarkup([[KeyboardButton(text, request_location=True)]],
                               one_time_keyboard=True, resize_keyboard=True)


def is_not_modified(exc: BadRequest) -> bool:
    """A double tap re-sends the same edit; Telegram refuses it, and that is fine."""
    return "message is not modified" in str(exc).lower()


async def _with_retry(call, *args, **kwargs):
    """One retry on a transport error. Not on ``TimedOut`` (the message may have arrived, and a
    duplicate is worse than a gap) and not on ``BadRequest`` (retrying cannot fix it). Flood waits
    (429) are retried by the AIORateLimiter."""
    try:
        return await call(*args, **kwargs)
    except (BadRequest, TimedOut):
        raise
    except NetworkError as exc:
        if isinstance(exc.__cause__, (httpx.RemoteProtocolError, httpx.ReadError)):
            # the request may have reached Telegram before the connection dropped: a retry could
            # deliver the answer twice, so give up (the error handler apologises) instead
            raise
        log.warning("Sending failed (%s), retrying once", type(exc).__name__)
        return await call(*args, **kwargs)


@dataclass
class Target:
    """Where answers go: a chat, optionally a forum topic, optionally quoting a message."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None

    @classmethod
    def of(cls, message: Message, quote: bool = False) -> "Target":
        thread = message.message_thread_id if message.is_topic_message else None
        return cls(message.chat_id, thread, message.message_id if quote else None)

    def kwargs(self, first: bool) -> dict:
        kwargs: dict = {"chat_id": self.chat_id}
        if self.thread_id is not None:
            kwargs["message_thread_id"] = self.thread_id
        if first and self.reply_to is not None:
            kwargs["reply_parameters"] = ReplyParameters(self.reply_to, allow_sending_without_reply=True)
        return kwargs


async def send_message(bot: Bot, target: Target, message: TelegramMessage, *, first: bool = True,
                       reply_markup=None) -> Message:
    """Send one rendered message; ``reply_markup`` (a reply keyboard) is used only if it has no buttons."""
    markup = inline_keyboard(message.buttons) or reply_markup
    if message.venue is not None:
        venue = message.venue
        if venue.get("address"):
            return await _with_retry(bot.send_venue, latitude=venue["latitude"], longitude=venue["longitude"],
                                     title=venue["title"], address=venue["address"], reply_markup=markup,
                                     **target.kwargs(first))
        return await _with_retry(bot.send_location, latitude=venue["latitude"], longitude=venue["longitude"],
                                 reply_markup=markup, **target.kwargs(first))
    return await _with_retry(bot.send_message, text=message.html, parse_mode=ParseMode.HTML,
                             link_preview_options=NO_PREVIEW, reply_markup=markup, **target.kwargs(first))


async def send_messages(bot: Bot, target: Target, messages: list[TelegramMessage], *, first: bool = True,
                        reply_keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
                        lang: str = i18n.DEFAULT) -> list[Message]:
    """Send ``messages`` in order. A reply keyboard goes on the first message without inline
    buttons; if every message has inline buttons, a short acknowledgement (in ``lang``) carries it first."""
    sent: list[Message] = []
    pending = reply_keyboard
    if pending is not None and all(m.buttons for m in messages):
        with i18n.use(lang):
            text = i18n._(LOCATION_ACK) if isinstance(pending, ReplyKeyboardRemove) else \
                i18n._(LOCATION_HINT).format(button=i18n._(LOCATION_BUTTON))
        sent.append(await _with_retry(bot.send_message, text=text, reply_markup=pending, **target.kwargs(first)))
        pending, first = None, False
    for message in messages:
        markup = pending if pending is not None and not message.buttons else None
        if markup is not None:
            pending = None
        sent.append(await send_message(bot, target, message, first=first, reply_markup=markup))
        first = False
    return sent


async def send_answer(bot: Bot, target: Target, answer: Answer, *,
                      reply_keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None) -> list[Message]:
    """Render ``answer`` and send all of its messages to ``target``."""
    return await send_messages(bot, target, to_telegram(answer), reply_keyboard=reply_keyboard, lang=answer.lang)


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> list[Message]:
    """Answer a user's message in its chat (and forum topic); in groups the answer quotes it.

    Shows the "📍 Standort senden" keyboard when the brain asks for a location (private chats
    only: Telegram allows location-request buttons nowhere else) and removes it again with the
    next answer, so it never lingers after the user typed a place instead.
    """
    message = update.effective_message
    private = message.chat.type == ChatType.PRIVATE
    keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
    chat_data = context.chat_data if context.chat_data is not None else {}
    if answer.request_location and private:
        keyboard = location_keyboard(answer.lang)
        chat_data[KEYBOARD_SHOWN] = True
    elif chat_data.pop(KEYBOARD_SHOWN, False):
        keyboard = ReplyKeyboardRemove()
    return await send_answer(context.bot, Target.of(message, quote=not private), answer, reply_keyboard=keyboard)
