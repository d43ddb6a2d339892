"""Admin commands for the user ids in ``settings.admins``: /stats, /reload and /meldungen.

/reload re-opens the database after ``netzwerkbot db import`` without a restart; it runs in a
worker thread because a rebuild (when data/ changed) takes about a second and must not stall
other users. The brain compares the networks and award winners before and after, and the news for
subscribers near what is new goes out paced by the JobQueue (``handlers/outbox.py``).
/meldungen lists the open reports with their decision buttons (the brain answers it, like any command).
Everyone else gets a polite refusal – the commands are not in the public menu.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import i18n
from bot.feedback.texts import TEXTS, tr, trn
from bot.feedback.userdb import UserDataUnavailable
from bot.i18n import _

from .common import COUNTS, STARTED, Context, ask_brain, brain_of, caller_of, count, language_of, settings_of
from .outbox import broadcast, deliver
from .send import reply

log = logging.getLogger(__name__)

REFUSAL = TEXTS["only_admins"]  # in the user's language (bot.feedback.texts)


async def _refuse(update: Update, context: Context) -> None:
    with i18n.use(language_of(update, context)):
        text = tr("only_admins")
    await update.effective_message.reply_text(text)


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admins


def _uptime(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return (f"{days} d " if days else "") + f"{hours:02d}:{minutes:02d}:{secs:02d}"


def _table(counter: dict) -> str:
    if not counter:
        return "–"
    return ", ".join(f"{html.escape(str(k))}: {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


async def _send(update: Update, text: str) -> None:
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def on_stats(update: Update, context: Context) -> None:
    if not _is_admin(update, context):
        await _refuse(update, context)
        return
    count(context, "admin")
    brain = brain_of(context)
    started = context.application.bot_data.get(STARTED, brain.started)
    lang = language_of(update, context)
    with i18n.use(lang):
        lines = [
            "<b>" + html.escape(_("netzwerkbot – Statistik")) + "</b>",
            html.escape(_("Laufzeit: {uptime}")).format(uptime=_uptime(time.time() - started)),
            html.escape(_("Updates: {counts}")).format(counts=_table(context.application.bot_data.get(COUNTS, {}))),
            html.escape(_("Antworten je Art: {counts}")).format(counts=_table(brain.intent_snapshot())),
            html.escape(_("Datenbank: {counts}")).format(counts=_table(brain.store.counts())),
        ]
    lines += await asyncio.to_thread(_talkback_lines, brain, lang)
    await _send(update, "\n".join(lines))


def _talkback_lines(brain, lang: str = i18n.DEFAULT) -> list[str]:
    """Satisfaction per intent (👍/👎 and the share of 👍), comments, open reports, homes and subscriptions."""
    with i18n.use(lang):
        return _talkback_lines_in(brain)


def _talkback_lines_in(brain) -> list[str]:
    try:
        rows, counts = brain.talkback.satisfaction()
    except UserDataUnavailable:
        return [html.escape(tr("unavailable", feature=tr("feature.ratings")))]
    per_intent: dict[str, list[int]] = {}
    for intent, _kind, up, down in rows:
        totals = per_intent.setdefault(intent, [0, 0])
        totals[0] += up
        totals[1] += down
    parts = [f"{html.escape(intent)}: {up}/{down} ({100 * up // (up + down)} %)"
             for intent, (up, down) in sorted(per_intent.items(), key=lambda kv: -sum(kv[1])) if up + down]
    return [f"{html.escape(tr('stats.satisfaction'))}: {', '.join(parts) or html.escape(tr('stats.none'))}",
            html.escape(tr("stats.comments", count=counts["comments"])),
            html.escape(tr("stats.open_reports", count=counts["open_reports"])),
            html.escape(tr("stats.subscribers", homes=counts["homes"], subscriptions=counts["subscriptions"]))]


async def on_reload(update: Update, context: Context) -> None:
    if not _is_admin(update, context):
        await _refuse(update, context)
        return
    count(context, "admin")
    try:
        counts, news = await asyncio.to_thread(brain_of(context).talkback.reload)
    except Exception as exc:  # the brain keeps the old database; say why, without a traceback wall
        log.warning("Reload failed: %s", type(exc).__name__, exc_info=True)
        reason = settings_of(context).redact(str(exc))[:500]
        with i18n.use(language_of(update, context)):
            failed = html.escape(_("Neu laden fehlgeschlagen")), html.escape(_("die bisherigen Daten bleiben aktiv."))
        await _send(update, f"<b>{failed[0]}</b> – {failed[1]}\n{html.escape(reason)}")
        return
    log.info("Database reloaded: %s", counts)
    with i18n.use(language_of(update, context)):
        told = "\n" + html.escape(trn("admin.news_queued", len(news))) if news else ""
        done = html.escape(_("Daten neu geladen."))
    await _send(update, f"<b>{done}</b>\n{_table(counts)}{told}")
    if news:
        broadcast(context.application, news)


async def on_reports(update: Update, context: Context) -> None:
    """/meldungen: the open reports, answered by the brain (which checks the admin again)."""
    if not _is_admin(update, context):
        await _refuse(update, context)
        return
    count(context, "admin")
    answer = await ask_brain(context, "ask", update.effective_message.text, caller=caller_of(update))
    await reply(update, context, answer)
    await deliver(context, answer)


def handlers() -> list[BaseHandler]:
    only_new = filters.UpdateType.MESSAGE
    return [CommandHandler("stats", on_stats, filters=only_new),
            CommandHandler("reload", on_reload, filters=only_new),
            CommandHandler(["meldungen", "reports"], on_reports, filters=only_new)]
