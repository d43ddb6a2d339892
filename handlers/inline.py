"""Inline mode: ``@netzwerk_bot Jena`` in any chat offers network profiles to post there.

The query text goes to ``brain.ask`` like a chat message; each network found (at most 20) becomes
an article whose message is that network's rendered profile (``brain.act("p:<id>")``), in the language
of the answer (the query's own language when it is clear, else the user's client language). The posted
message carries a deep link back to the bot (``t.me/<bot>?start=net_<id>``) and the network's
website, but no callback buttons: a button under a message in somebody else's chat would edit
that message for everybody, and the bot could not send the map pin there.
"""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InlineQueryResultsButton,
                      InputTextMessageContent, Update)
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, InlineQueryHandler

from bot import i18n
from bot.i18n import N_, _
from bot.models import Caller
from bot.render import to_telegram

from .common import Context, brain_of, count
from .send import NO_PREVIEW

log = logging.getLogger(__name__)

MAX_RESULTS = 20
CACHE_SECONDS = 30  # short: a /reload should show up quickly
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HELP_TEXT = N_("Wie suche ich? Ort, PLZ oder Bundesland eingeben")
NONE_TEXT = N_("Nichts gefunden – im Chat mit dem Bot suchen")
MORE_TEXT = N_("🤖 Mehr im netzwerkbot")


def _button(text: str, lang: str) -> InlineQueryResultsButton:
    """The button above the results (help, or "nothing found"), in ``lang``."""
    with i18n.use(lang):
        return InlineQueryResultsButton(text=_(text), start_parameter="inline")


def deep_link(username: str | None, network_id: str) -> str | None:
    """``https://t.me/<bot>?start=net_<id>``, or ``None`` if the payload would be invalid."""
    payload = f"net_{network_id}"
    if not username or not _PAYLOAD.match(payload):
        return None
    return f"https://t.me/{username}?start={payload}"


def _description(network, brain=None, lang: str = i18n.DEFAULT) -> str:
    with i18n.use(lang):
        states = brain.catalog.state_names(network.states) if brain is not None else network.states
    where = ", ".join(network.towns[:2]) or ", ".join(states)
    awards = f" · 🏆 {', '.join(str(y) for y in network.award_years)}" if network.award_years else ""
    return f"{where}{awards}"[:200]


def _network_ids(answer, networks) -> list[tuple[str, str]]:
    """(id, title) pairs: the networks found, or – when the brain asks "which one?" – its choices."""
    pairs = [(n.id, n.name) for n in networks]
    if not pairs:
        pairs = [(c.action[2:], c.label) for c in answer.choices if c.action.startswith("p:")]
    seen: set[str] = set()
    return [(i, t) for i, t in pairs if not (i in seen or seen.add(i))][:MAX_RESULTS]


def article(context: Context, network_id: str, title: str, description: str,
            lang: str = i18n.DEFAULT) -> InlineQueryResultArticle | None:
    """One result (called in a worker thread by :func:`on_inline_query`; the brain serialises its calls)."""
    profile = to_telegram(brain_of(context).act(f"p:{network_id}", count=False, caller=Caller(chosen_lang=lang)))[0]
    if not profile.html:
        return None
    rows = []
    link = deep_link(context.bot.username, network_id)
    if link:
        with i18n.use(lang):
            rows.append([InlineKeyboardButton(_(MORE_TEXT), url=link)])
    rows += [[InlineKeyboardButton(b.text, url=b.url)] for row in profile.buttons for b in row if b.url]
    return InlineQueryResultArticle(
        id=network_id[:64],
        title=title[:100],
        description=description or None,
        input_message_content=InputTextMessageContent(profile.html, parse_mode=ParseMode.HTML,
                                                      link_preview_options=NO_PREVIEW),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )


async def on_inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    count(context, "inline")
    text = (query.query or "").strip()
    client = query.from_user.language_code if query.from_user else None
    if not text:
        await query.answer([], cache_time=CACHE_SECONDS, button=_button(HELP_TEXT, i18n.from_client(client)))
        return
    results, lang = await asyncio.to_thread(_results, context, text, client)  # off the event loop
    await query.answer(results, cache_time=CACHE_SECONDS, button=None if results else _button(NONE_TEXT, lang))


def _results(context: Context, text: str, client: str | None = None) -> tuple[list[InlineQueryResultArticle], str]:
    """The articles for ``text`` and the language they are in. The inline query has no chat: no
    conversation, only the client's language (``client``) and the query's own."""
    answer = brain_of(context).ask(text, caller=Caller(lang=client))
    networks = answer.load(answer.head(MAX_RESULTS))  # only what can be offered, not every match
    details = {n.id: _description(n, brain_of(context), answer.lang) for n in networks}
    return [a for i, title in _network_ids(answer, networks)
            if (a := article(context, i, title, details.get(i, ""), answer.lang))], answer.lang


def handlers() -> list[BaseHandler]:
    return [InlineQueryHandler(on_inline_query)]
