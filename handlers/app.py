"""Wiring: build the Application, run it by long polling or webhook, fail clearly at start-up.

``build_application`` is the single place where handlers are registered; tests call it with a
recording ``BaseRequest`` and feed updates to ``process_update``. ``run_bot`` is what
``netzwerkbot run`` calls. It verifies the token with one ``getMe`` *before* handing control to
PTB, because PTB would answer a revoked token with a logged traceback; here it becomes one line on
stderr and exit code 1. SIGINT/SIGTERM stop the bot gracefully (PTB's ``run_*`` installs the
signal handlers); that is a normal end, exit code 0.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections import Counter, deque

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationHandlerStop, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.brain import Brain
from bot.settings import Settings

from . import admin, callbacks, commands, inline, logsafety, messages
from .common import BRAIN, COUNTS, LIMITER, SETTINGS, STARTED
from .errors import on_error
from .ratelimit import RateLimiter
from .request import PooledRequest

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16  # one slow send (flood wait) must not hold up every other user
FLOOD_RETRIES = 3  # AIORateLimiter waits out a 429 "retry after" this often before giving up


async def post_init(application: Application) -> None:
    """Warm the brain up in the background (the first place question would otherwise wait for the point
    grid) and publish the command menu: German by default, English for English-language clients."""
    # a plain task (post_init runs before the application counts as running); bot_data keeps it referenced
    application.bot_data["warm_up"] = asyncio.create_task(asyncio.to_thread(application.bot_data[BRAIN].warm_up),
                                                          name="warm-up")
    try:
        await application.bot.set_my_commands(commands.menu("de"))
        await application.bot.set_my_commands(commands.menu("en"), language_code="en")
    except TelegramError as exc:  # a missing menu is cosmetic; the bot still works
        log.warning("Could not set the command menu: %s", exc)


SEEN_UPDATES = "seen_update_ids"
SEEN_LIMIT = 1000


async def drop_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update whose id was handled already (the last SEEN_LIMIT ids are remembered)."""
    order, seen = context.bot_data.setdefault(SEEN_UPDATES, (deque(maxlen=SEEN_LIMIT), set()))
    if update.update_id in seen:
        log.info("Dropping re-delivered update %s", update.update_id)
        raise ApplicationHandlerStop
    if len(order) == order.maxlen:
        seen.discard(order[0])
    order.append(update.update_id)
    seen.add(update.update_id)


def build_application(settings: Settings, brain: Brain, request: BaseRequest | None = None) -> Application:
    """The Application with all handlers; ``request`` replaces the HTTP layer (tests)."""
    builder = (Application.builder()
               .token(settings.token)
               .base_url(settings.base_url)
               .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
               .concurrent_updates(CONCURRENT_UPDATES)
               .post_init(post_init))
    if settings.base_file_url:
        builder = builder.base_file_url(settings.base_file_url)
    if request is None:
        builder = builder.request(PooledRequest())  # getUpdates keeps PTB's own request object
    else:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data.update({
        BRAIN: brain,
        SETTINGS: settings,
        COUNTS: Counter(),
        LIMITER: RateLimiter(settings.user_rate_limit),
        STARTED: time.time(),
    })
    # Telegram re-delivers an update whose webhook answer it did not get: handle each update_id once.
    application.add_handler(TypeHandler(Update, drop_duplicates), group=-1)
    # Order matters within a group: the first matching handler wins, so admin commands come before
    # the catch-all for unknown commands.
    for module in (admin, commands, messages, callbacks, inline):
        application.add_handlers(module.handlers())
    application.add_error_handler(on_error)
    return application


def _fail(settings: Settings, text: str) -> int:
    sys.stderr.write(f"netzwerkbot: {settings.redact(text)}\n")
    sys.stderr.flush()
    return 1


async def _check_token(application: Application, settings: Settings) -> str | None:
    """``getMe`` once; returns a one-line problem description, or None when the bot may start."""
    try:
        await application.initialize()
        return None
    except InvalidToken:
        problem = ("Telegram lehnt das Bot-Token ab (ungültig oder widerrufen). Holen Sie bei @BotFather ein "
                   "gültiges Token und tragen Sie es als TELEGRAM_BOT_TOKEN ein.")
    except NetworkError as exc:
        problem = f"Telegram Bot API unter {settings.base_url} nicht erreichbar ({type(exc).__name__}: {exc})."
    except TelegramError as exc:
        problem = f"Start fehlgeschlagen: {type(exc).__name__}: {exc}"
    try:
        await application.bot.shutdown()
    except Exception:  # noqa: BLE001 - best-effort cleanup before exiting
        pass
    return problem


def run_bot(settings: Settings, brain: Brain) -> int:
    """Run until SIGINT/SIGTERM; 0 after a graceful stop, 1 with one stderr line on start-up failure."""
    logsafety.install(settings.redact, settings.log_level)  # before PTB logs its URL (with the token)
    application = build_application(settings, brain)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # PTB's run_* picks this loop up, so the checked bot is reused
    problem = loop.run_until_complete(_check_token(application, settings))
    if problem:
        loop.close()
        return _fail(settings, problem)
    mode = "Webhook" if settings.webhook_enabled else "Long Polling"
    log.info("netzwerkbot started as @%s (%s)", application.bot.username, mode)
    try:
        if settings.webhook_enabled:
            application.run_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port, url_path=settings.webhook_path,
                webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
                drop_pending_updates=True, allowed_updates=Update.ALL_TYPES)
        else:
            application.run_polling(drop_pending_updates=True, allowed_updates=Update.ALL_TYPES)
    except TelegramError as exc:  # e.g. setWebhook refused, another instance polling (Conflict)
        return _fail(settings, f"Telegram-Fehler: {type(exc).__name__}: {exc}")
    except OSError as exc:  # e.g. the webhook port is taken
        return _fail(settings, f"Webhook-Server kann nicht starten ({settings.webhook_listen}:"
                               f"{settings.webhook_port}): {exc.strerror or exc}")
    log.info("netzwerkbot stopped")
    return 0
