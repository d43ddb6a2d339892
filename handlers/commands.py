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

from bot import i18n
from bot.feedback.phrases import TELEGRAM_COMMANDS
from bot.i18n import N_
from bot.understanding import COMMAND_ALIASES

from .common import Context, ask_brain, caller_of, count, rate_ok
from .outbox import deliver
from .send import reply

# The menu Telegram shows after "/": one list, each command with its German and its English name (both are
# understood) and its description, translated through the message catalogue; ``menu(lang)`` makes it for
# ``setMyCommands`` (German by default, English for English-language clients).
MENU = [
    ("start", "start", N_("Start und Überblick")),
    ("hilfe", "help", N_("So fragen Sie den Bot")),
    ("naehe", "near", N_("Netzwerke in Ihrer Nähe (Standort oder PLZ)")),
    ("region", "region", N_("Netzwerke in einem Bundesland, Kreis oder Ort")),
    ("netzwerk", "network", N_("Profil eines Netzwerks, z. B. /netzwerk Jenaer Allianz")),
    ("kontakt", "contact", N_("Kontakt eines Netzwerks")),
    ("award", "award", N_("Auszeichnung „Innovatives Netzwerk“, z. B. /award 2013")),
    ("themen", "topics", N_("Netzwerke nach Thema oder Branche")),
    ("heimat", "home", N_("Ihren Ort merken: dann genügt „in meiner Nähe“")),
    ("abo", "subscribe", N_("Neues in Ihrer Region per Nachricht")),
    ("melden", "report", N_("Fehler oder fehlendes Netzwerk melden")),
    ("quellen", "sources", N_("Woher die Daten stammen")),
    ("datenschutz", "privacy", N_("Was mit Ihren Daten geschieht")),
    ("vergessen", "forget", N_("Alles löschen, was über Sie gespeichert ist")),
    ("sprache", "language", N_("Sprache wählen: Deutsch oder Englisch")),
]

_VALID_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
# Every alias the brain understands that Telegram accepts as a command name ("nähe" is not one).
COMMANDS = sorted({name for name in COMMAND_ALIASES if _VALID_COMMAND.match(name)}
                  | {name for de, en, _text in MENU for name in (de, en)}
                  | {name for name in TELEGRAM_COMMANDS if _VALID_COMMAND.match(name)})


def menu(language: str = i18n.DEFAULT) -> list[BotCommand]:
    """The command menu in ``language``: its command names and descriptions."""
    with i18n.use(language):
        return [BotCommand(en if i18n.current() == "en" else de, i18n._(text)) for de, en, text in MENU]


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
