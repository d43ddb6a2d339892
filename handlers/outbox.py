"""Messages for other people than the one who asked: the brain's ``answer.outbox``.

A notice (an admin told of a new report, a reporter told the outcome or asked a question) is sent at
once, after the answer to the caller. The news after ``/reload`` may go to thousands of subscribers, so
it is queued and sent by PTB's JobQueue, ``NEWS_PER_TICK`` messages a second – below Telegram's limit
of about 30 messages a second to different chats (the AIORateLimiter keeps to that limit too and waits
out any flood wait). A subscriber who blocked the bot (403 Forbidden) is unsubscribed through the brain;
any other failure is logged (without the message) and the next notice goes out regardless.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.models import Answer, Notice

from .common import BRAIN, Context
from .send import Target, send_answer

log = logging.getLogger(__name__)

NEWS_QUEUE = "news_queue"
NEWS_JOB = "news"
NEWS_PER_TICK = 20
TICK_SECONDS = 1.0


async def deliver(context: Context, answer: Answer) -> None:
    """Send the notices that came with ``answer`` (news are queued, see :func:`broadcast`)."""
    news = [n for n in answer.outbox if n.kind == "news"]
    for notice in answer.outbox:
        if notice.kind != "news":
            await send_notice(context.application, notice)
    if news:
        broadcast(context.application, news)


async def send_notice(application: Application, notice: Notice) -> bool:
    """One notice to its user's private chat; True if Telegram took it."""
    try:
        chat_id = int(notice.user)
    except (TypeError, ValueError):
        log.warning("A %s has no Telegram user to go to", notice.kind)
        return False
    try:
        await send_answer(application.bot, Target(chat_id), notice.answer)
        return True
    except Forbidden:
        log.info("A %s was not delivered: the user blocked the bot or never started it", notice.kind)
        if notice.kind == "news":
            await asyncio.to_thread(application.bot_data[BRAIN].talkback.blocked, notice.user)
        return False
    except TelegramError as exc:
        log.warning("A %s was not delivered: %s", notice.kind, exc.message)
        return False


def broadcast(application: Application, notices: list[Notice]) -> int:
    """Queue ``notices`` and make sure the sending job runs; returns how many wait to be sent."""
    queue: deque = application.bot_data.setdefault(NEWS_QUEUE, deque())
    queue.extend(notices)
    if not queue:
        return 0
    job_queue = application.job_queue
    if job_queue is None:  # PTB without the job-queue extra: a plain task at the same pace
        application.create_task(_send_all(application), name="news")
    elif not job_queue.get_jobs_by_name(NEWS_JOB):
        job_queue.run_repeating(_tick, interval=TICK_SECONDS, first=0.0, name=NEWS_JOB)
    return len(queue)


async def send_some(application: Application, limit: int = NEWS_PER_TICK) -> int:
    """Send up to ``limit`` queued news (concurrently); returns how many were taken from the queue."""
    queue: deque = application.bot_data.setdefault(NEWS_QUEUE, deque())
    batch = [queue.popleft() for _ in range(min(limit, len(queue)))]
    if batch:
        await asyncio.gather(*(send_notice(application, notice) for notice in batch))
    return len(batch)


async def _tick(context: Context) -> None:
    await send_some(context.application)
    if not context.application.bot_data.get(NEWS_QUEUE):
        context.job.schedule_removal()


async def _send_all(application: Application) -> None:
    while await send_some(application):
        await asyncio.sleep(TICK_SECONDS)
