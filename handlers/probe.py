"""A read-only look at the bot's Telegram side for ``netzwerkbot doctor``: ``getMe`` and ``getWebhookInfo``.

Why here and not in ``bot/doctor.py``: ``bot/`` stays free of Telegram; the doctor gets this function
handed in and sees only plain data (:class:`bot.doctor.TelegramStatus`). PTB's ``Bot`` is created with
the configured ``TELEGRAM_BASE_URL``, so a self-hosted Bot API server (or the fake one of the tests) is
asked, not api.telegram.org, and with short timeouts: a health check answers within seconds. Nothing is
changed at Telegram (no setWebhook/deleteWebhook), and nothing raises: a failure becomes a
``problem`` with the token redacted.
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.doctor import TelegramStatus
from bot.settings import Settings

from . import logsafety


async def _probe(settings: Settings) -> TelegramStatus:
    request = HTTPXRequest(connect_timeout=5.0, read_timeout=10.0, write_timeout=10.0, pool_timeout=5.0)
    extra = {"base_file_url": settings.base_file_url} if settings.base_file_url else {}
    bot = Bot(settings.token, base_url=settings.base_url, request=request, **extra)
    try:
        await bot.initialize()  # getMe
    except InvalidToken as exc:
        return TelegramStatus(problem="token", detail=settings.redact(str(exc)))
    except NetworkError as exc:  # also TimedOut
        return TelegramStatus(problem="network", detail=settings.redact(f"{type(exc).__name__}: {exc}"))
    except TelegramError as exc:
        return TelegramStatus(problem="api", detail=settings.redact(f"{type(exc).__name__}: {exc}"))
    me = bot.bot
    status = TelegramStatus(me={"id": me.id, "username": me.username, "first_name": me.first_name,
                                "supports_inline_queries": bool(me.supports_inline_queries)})
    try:
        info = await bot.get_webhook_info()
        status.webhook = {
            "url": info.url or "", "pending_update_count": info.pending_update_count,
            "last_error_date": info.last_error_date.timestamp() if info.last_error_date else None,
            "last_error_message": info.last_error_message, "ip_address": info.ip_address,
        }
    except TelegramError as exc:
        status.detail = settings.redact(f"{type(exc).__name__}: {exc}")
    finally:
        try:
            await bot.shutdown()
        except Exception:  # noqa: BLE001 - closing the HTTP client; the answer is already in hand
            pass
    return status


def probe_telegram(settings: Settings) -> TelegramStatus:
    """``getMe`` + ``getWebhookInfo`` once, synchronously; the token never reaches a log line."""
    logsafety.install(settings.redact, "WARNING")
    return asyncio.run(_probe(settings))
