"""Slash commands. The brain parses commands itself (arguments, ``@botname`` suffixes, the
``/start net_<id>`` deep-link payload), so every command handler passes the full message text to
``brain.ask`` unchanged; this module only decides *which* commands the bot reacts to.

Known commands are registered as ``CommandHandler``s, which already ignore ``/cmd@other_bot`` in
groups. Unknown commands are answered in private chats (the brain says it does not know them) but
ignored in groups unless addressed to this bot explicitly, because there they usually belong to
another bot.
"""

from __future__ import annotations

import re

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.feedback.phrases import TELEGRAM_COMMANDS
from bot.understanding import COMMAND_ALIASES

from .common import Context, ask_brain, caller_of, count, rate_ok
from .outbox import deliver
from .send import reply

# The menu Telegram shows after "/": German by default, English for English-language clients.
MENU_DE = [
    ("start", "Start und Überblick"),
    ("hilfe", "So fragen Sie den Bot"),
    ("naehe", "Netzwerke in Ihrer Nähe (Standort oder PLZ)"),
    ("region", "Netzwerke in einem Bundesland, Kreis oder Ort"),
    ("netzwerk", "Profil eines Netzwerks, z. B. /netzwerk Jenaer Allianz"),
    ("kontakt", "Kontakt eines Netzwerks"),
    ("award", "Auszeichnung „Innovatives Netzwerk“, z. B. /award 2013"),
    ("themen", "Netzwerke nach Thema oder Branche"),
    ("heimat", "Ihren Ort merken: dann genügt „in meiner Nähe“"),
    ("abo", "Neues in Ihrer Region per Nachricht"),
    ("melden", "Fehler oder fehlendes Netzwerk melden"),
    ("quellen", "Woher die Daten stammen"),
    ("datenschutz", "Was mit Ihren Daten geschieht"),
    ("vergessen", "Alles löschen, was über Sie gespeichert ist"),
]
MENU_EN = [
    ("start", "Start and overview"),
    ("help", "How to ask the bot"),
    ("naehe", "Networks near you (location or postcode)"),
    ("region", "Networks in a state, district or town"),
    ("netzwerk", "Profile of a network, e.g. /netzwerk Jenaer Allianz"),
    ("kontakt", "Contact details of a network"),
    ("award", "'Innovative network' award, e.g. /award 2013"),
    ("themen", "Networks by topic or sector"),
    ("heimat", "Remember your place for 'near me'"),
    ("abo", "News of your region by message"),
    ("melden", "Report an error or a missing network"),
    ("quellen", "Where the data comes from"),
    ("datenschutz", "Privacy"),
    ("vergessen", "Delete everything stored about you"),
]

_VALID_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
# Every alias the brain understands that Telegram accepts as a command name ("nähe" is not one).
COMMANDS = sorted({name for name in COMMAND_ALIASES if _VALID_COMMAND.match(name)} | {n for n, _ in MENU_DE}
                  | {name for name in TELEGRAM_COMMANDS if _VALID_COMMAND.match(name)})


def menu(language: str = "de") -> list[BotCommand]:
    return [BotCommand(name, text) for name, text in (MENU_EN if language == "en" else MENU_DE)]


async def on_command(update: Update, context: Context) -> None:
    """Any known command: the brain gets the message text exactly as typed."""
    if not await rate_ok(update, context):
        return
    count(context, "command")
    answer = await ask_brain(context, "ask", update.effective_message.text, caller=caller_of(update))
    await reply(update, context, answer)
    await deliver(context, answer)


def _addressed_to_me(text: str, username: str | None) -> bool:
    first = text.split(maxsplit=1)[0]
    return bool(username) and "@" in first and first.split("@", 1)[1].lower() == username.lower()


async def on_unknown_command(update: Update, context: Context) -> None:
    """Unknown commands: answered in private chats, in groups only as ``/cmd@thisbot``."""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE and not _addressed_to_me(message.text, context.bot.username):
        count(context, "ignored")
        return
    await on_command(update, context)


def handlers() -> list[BaseHandler]:
    only_new = filters.UpdateType.MESSAGE  # edits of old commands are not re-answered
    return [
        CommandHandler(COMMANDS, on_command, filters=only_new),
        MessageHandler(filters.COMMAND & only_new, on_unknown_command),
    ]
