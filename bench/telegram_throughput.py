"""Telegram throughput: real python-telegram-bot stacks against a fake Bot API on 127.0.0.1.

The parent process runs :class:`FakeBotAPI`, a minimal aiohttp imitation of the Bot API
(``getMe``, ``getUpdates`` with offsets and long polling, ``sendMessage``, ``editMessageText``,
``answerCallbackQuery``, ``sendVenue``/``sendLocation`` and a generic ``true`` for the rest). Each
bot runs in its own child process (``python -m bench.telegram_throughput bot KIND …``) and polls
the fake server like it would poll Telegram:

* ``echo`` – a minimal PTB bot: echoes text, answers and edits on a button press;
* ``echo-limited`` – the same with ``AIORateLimiter()`` as netzwerkbot configures it;
* ``netzwerkbot`` – ``handlers.app.run_bot`` exactly as ``netzwerkbot run`` starts it
  (``build_application`` with its AIORateLimiter, 16 concurrent updates, the per-user limit);
* ``netzwerkbot-unthrottled`` – the same, with the AIORateLimiter's overall 30 msg/s cap set to
  0 (no cap), to show the bot's own cost rather than the deliberate flood limit.

Two phases per bot, same server, same updates:

* burst – the whole backlog is released at the first ``getUpdates``; throughput is completed
  updates per second until the last one is answered (or the time cap ends the phase);
* paced – updates are released at a fixed rate while the bot long-polls; the latency from
  handing an update out to the first message-carrying reply (sendMessage/editMessageText/
  sendVenue/sendLocation for that chat) is the user-visible latency.

Every update comes from its own private chat and user, so per-user limits never trigger and each
reply is attributed to exactly one update. Traffic stays on 127.0.0.1, loops are bounded in count
and time, and the child is stopped with SIGTERM (then SIGKILL) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from . import DATA_DIR, DEFAULT_SEED, PROJECT_ROOT, percentile

TOKEN = "123456:bench-TOKEN_abcdefghijklmnopqrstuvwxyz"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "bench_netzwerk_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}
REPLY_METHODS = {"sendmessage", "editmessagetext", "sendvenue", "sendlocation", "sendphoto", "senddocument"}
KINDS = ("echo", "echo-limited", "netzwerkbot", "netzwerkbot-unthrottled")


# -- updates ---------------------------------------------------------------------------------------
def make_updates(texts: list[str], count: int, seed: int = 7) -> list[dict]:
    """``count`` updates: texts, commands, button presses ("act:…") and locations ("loc:lat,lon")."""
    rng = random.Random(seed)
    now = int(time.time())
    updates = []
    for i in range(count):
        text = texts[i % len(texts)] if i < len(texts) else rng.choice(texts)
        chat_id = 10_000_000 + i
        user = {"id": chat_id, "is_bot": False, "first_name": f"U{i}", "language_code": "de"}
        chat = {"id": chat_id, "type": "private", "first_name": f"U{i}"}
        update: dict = {"update_id": i + 1}
        if text.startswith("act:"):
            update["callback_query"] = {
                "id": f"cb{i}", "from": user, "chat_instance": f"ci{i}", "data": text[4:],
                "message": {"message_id": 1, "date": now, "chat": chat, "from": BOT_USER, "text": "…"}}
        elif text.startswith("loc:"):
            lat, lon = (float(x) for x in text[4:].split(","))
            update["message"] = {"message_id": i + 2, "date": now, "chat": chat, "from": user,
                                 "location": {"latitude": lat, "longitude": lon}}
        else:
            message = {"message_id": i + 2, "date": now, "chat": chat, "from": user, "text": text}
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            update["message"] = message
        updates.append(update)
    return updates


# -- the fake server -------------------------------------------------------------------------------
class FakeBotAPI:
    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.released = 0
        self.chat_index: dict[int, int] = {}
        self.handed_out: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        self.calls: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.first_poll: asyncio.Event | None = None
        self.all_done: asyncio.Event | None = None
        self.new_updates: asyncio.Event | None = None
        self.release_on_first_poll = True
        self.polls_started_at: float | None = None
        self.message_id = 1000
        self.stopping = False
        self.runner = None
        self.port = 0

    def load(self, updates: list[dict], release_on_first_poll: bool) -> None:
        self.updates = updates
        self.released = 0
        self.chat_index = {}
        for i, u in enumerate(updates):
            body = u.get("message") or u.get("callback_query", {}).get("message")
            self.chat_index[body["chat"]["id"]] = i
        self.handed_out.clear()
        self.answered.clear()
        self.calls.clear()
        self.errors.clear()
        self.first_poll = asyncio.Event()
        self.all_done = asyncio.Event()
        self.new_updates = asyncio.Event()
        self.release_on_first_poll = release_on_first_poll
        self.polls_started_at = None
        self.stopping = False

    def release(self, n: int) -> None:
        self.released = min(len(self.updates), self.released + n)
        self.new_updates.set()

    async def start(self) -> int:
        from aiohttp import web

        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        self.stopping = True
        if self.new_updates:
            self.new_updates.set()
        if self.runner:
            await self.runner.cleanup()

    @staticmethod
    def ok(result) -> "web.Response":  # noqa: F821
        from aiohttp import web

        return web.json_response({"ok": True, "result": result})

    async def handle(self, request):
        method = request.match_info["method"].lower()
        self.calls[method] += 1
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
        if request.match_info["token"] != TOKEN:
            from aiohttp import web

            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        if method == "getupdates":
            return await self.get_updates(params)
        if method == "getme":
            return self.ok(BOT_USER)
        if method == "getwebhookinfo":
            return self.ok({"url": "", "has_custom_certificate": False, "pending_update_count": 0})
        if method in REPLY_METHODS or method == "answercallbackquery":
            return self.reply(method, params)
        return self.ok(True)

    def reply(self, method: str, params: dict):
        now = time.perf_counter()
        chat_id = params.get("chat_id")
        if method in REPLY_METHODS and chat_id is not None:
            index = self.chat_index.get(int(chat_id))
            if index is not None and index not in self.answered:
                self.answered[index] = now
                if len(self.answered) >= len(self.updates):
                    self.all_done.set()
        if method == "answercallbackquery":
            return self.ok(True)
        self.message_id += 1
        message = {"message_id": self.message_id, "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": int(chat_id or 0), "type": "private"}}
        if method in ("sendvenue", "sendlocation"):
            message["location"] = {"latitude": float(params.get("latitude", 0)),
                                   "longitude": float(params.get("longitude", 0))}
        else:
            message["text"] = str(params.get("text", ""))[:200]
        return self.ok(message)

    async def get_updates(self, params: dict):
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if not self.first_poll.is_set():
            self.first_poll.set()
            self.polls_started_at = time.perf_counter()
            if self.release_on_first_poll:
                self.release(len(self.updates))
        deadline = time.perf_counter() + min(timeout, 5.0)
        while True:
            start = max(0, offset - 1)  # update ids are 1-based and consecutive
            batch = self.updates[start:self.released][:limit]
            if batch or self.stopping or time.perf_counter() >= deadline:
                break
            self.new_updates.clear()
            try:
                await asyncio.wait_for(self.new_updates.wait(), timeout=max(0.0, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                pass
        now = time.perf_counter()
        for u in batch:
            self.handed_out.setdefault(u["update_id"] - 1, now)
        return self.ok(batch)


# -- running one bot -------------------------------------------------------------------------------
def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (Linux ``/proc``; None elsewhere).

    On a shared machine, wall-clock throughput also counts the time the bot waited for a core; CPU
    seconds per update show what the bot itself costs."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


async def _spawn_bot(kind: str, port: int, db_path: Path, profile_to: str | None = None) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NETZWERKBOT_", "WEBHOOK_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot",
                "NETZWERKBOT_DB": str(db_path), "NETZWERKBOT_DATA_DIR": str(DATA_DIR), "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    env.pop("BENCH_PROFILE", None)
    if profile_to:
        env["BENCH_PROFILE"] = profile_to
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.telegram_throughput", "bot", kind, cwd=str(PROJECT_ROOT), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def _stop_bot(proc: asyncio.subprocess.Process) -> str:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout=15)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
    err = (await proc.stderr.read()).decode(errors="replace") if proc.stderr else ""
    return err[-2000:]


async def run_phase(server: FakeBotAPI, kind: str, db_path: Path, updates: list[dict], paced_rate: float | None,
                    cap_s: float, start_timeout: float = 120.0, profile_to: str | None = None) -> dict:
    """Start the bot, feed ``updates`` (all at once, or ``paced_rate`` per second), wait, stop it."""
    server.load(updates, release_on_first_poll=paced_rate is None)
    proc = await _spawn_bot(kind, server.port, db_path, profile_to)
    result: dict = {"kind": kind, "mode": "paced" if paced_rate else "burst", "updates": len(updates)}
    try:
        waiter = asyncio.create_task(server.first_poll.wait())
        died = asyncio.create_task(proc.wait())
        done, _ = await asyncio.wait({waiter, died}, timeout=start_timeout, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            died.cancel()
            waiter.cancel()
            result["error"] = "bot did not start polling"
            return result
        died.cancel()
        started = server.polls_started_at
        cpu_start = _cpu_seconds(proc.pid)
        feeder = None
        if paced_rate:
            async def feed() -> None:
                interval = 1.0 / paced_rate
                t0 = time.perf_counter()
                for n in range(1, len(updates) + 1):
                    await asyncio.sleep(max(0.0, t0 + n * interval - time.perf_counter()))
                    server.release(1)
            feeder = asyncio.create_task(feed())
        try:
            await asyncio.wait_for(server.all_done.wait(), timeout=cap_s)
        except asyncio.TimeoutError:
            result["capped"] = True
        ended = time.perf_counter()
        cpu_end = _cpu_seconds(proc.pid)
        if feeder:
            feeder.cancel()
        answered = dict(server.answered)
        last = max(answered.values(), default=ended)
        elapsed = (last if not result.get("capped") else ended) - started
        lat = [answered[i] - server.handed_out[i] for i in answered if i in server.handed_out]
        result.update({
            "answered": len(answered), "seconds": elapsed,
            "updates_per_s": len(answered) / elapsed if elapsed > 0 else None,
            "latency_p50": percentile(lat, 50), "latency_p99": percentile(lat, 99),
            "api_calls": sum(server.calls.values()), "calls": dict(server.calls),
            "bot_cpu_ms_per_update": (1000 * (cpu_end - cpu_start) / len(answered)
                                      if answered and cpu_start is not None and cpu_end is not None else None),
        })
        return result
    finally:
        stderr = await _stop_bot(proc)
        if proc.returncode not in (0, -signal.SIGTERM, None) or "Traceback" in stderr:
            result["stderr"] = stderr[-800:]


async def run_all(db_path: Path, texts: list[str], kinds: list[str], burst: int = 3000, burst_limited: int = 300,
                  paced: int = 100, paced_rate: float = 10.0, cap_s: float = 45.0, log=print,
                  profile_dir: Path | None = None) -> list[dict]:
    """Burst (and for echo/netzwerkbot paced) phases per kind; ``profile_dir`` gets a cProfile dump of
    each bot's burst phase (``<kind>.prof``, readable with ``python -m pstats``)."""
    server = FakeBotAPI()
    await server.start()
    results = []
    try:
        for kind in kinds:
            limited = kind in ("echo-limited", "netzwerkbot")
            n = burst_limited if limited else burst
            profile_to = str(profile_dir / f"{kind}.prof") if profile_dir else None
            res = await run_phase(server, kind, db_path, make_updates(texts, n), None, cap_s, profile_to=profile_to)
            results.append(res)
            log(f"    {kind:<24} burst  {res.get('answered', 0):5d}/{n:<5d} "
                f"{(res.get('updates_per_s') or 0):8.1f} upd/s  p50 {(res.get('latency_p50') or 0) * 1000:8.1f} ms"
                f"  bot CPU {(res.get('bot_cpu_ms_per_update') or 0):5.2f} ms/update"
                f"  {res.get('error', '')}{' (time cap)' if res.get('capped') else ''}")
            if paced and kind in ("echo", "netzwerkbot"):
                res = await run_phase(server, kind, db_path, make_updates(texts, paced, seed=11), paced_rate,
                                      cap_s=paced / paced_rate + 15)
                results.append(res)
                log(f"    {kind:<24} paced  {res.get('answered', 0):5d}/{paced:<5d} at {paced_rate:.0f}/s  "
                    f"p50 {(res.get('latency_p50') or 0) * 1000:8.1f} ms  p99 {(res.get('latency_p99') or 0) * 1000:8.1f} ms")
    finally:
        await server.stop()
    return results


def question_mix(db_path: Path, seed: int = DEFAULT_SEED) -> list[str]:
    """The texts the updates are made of, as ``python -m bench`` sends them: the labelled questions and
    20 generated ones per kind, shuffled (about 1,300 distinct texts, so a 3,000-update burst asks
    ~44 % of its questions for the first time)."""
    from .latency import generated_questions, labelled_questions

    texts = [i.text for i in labelled_questions()]
    texts += [i.text for i in generated_questions(db_path, random.Random(seed + 1), per_category=20)]
    random.Random(seed).shuffle(texts)
    return texts


# -- the bots (child processes) --------------------------------------------------------------------
def echo_bot(limited: bool) -> int:
    from telegram import Update
    from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, MessageHandler, filters

    async def echo(update: Update, context) -> None:
        message = update.effective_message
        await message.reply_text(message.text or "📍")

    async def press(update: Update, context) -> None:
        query = update.callback_query
        await query.answer()
        await query.edit_message_text(query.data or "…")

    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(os.environ["TELEGRAM_BASE_URL"])
    if limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3)).concurrent_updates(16)
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(press))
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def netzwerkbot(unthrottled: bool) -> int:
    from functools import partial

    from telegram.ext import AIORateLimiter

    import handlers.app as app
    from bot.brain import Brain
    from bot.settings import load_settings

    if unthrottled:  # the same limiter code, without the overall 30 msg/s and 20 msg/min/group caps
        app.AIORateLimiter = partial(AIORateLimiter, overall_max_rate=0, group_max_rate=0)
    settings = load_settings(env=dict(os.environ))
    return app.run_bot(settings, Brain.from_settings(settings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.telegram_throughput")
    sub = parser.add_subparsers(dest="command", required=True)
    bot = sub.add_parser("bot", help="(internal) run one bot against TELEGRAM_BASE_URL")
    bot.add_argument("kind", choices=KINDS)
    run = sub.add_parser("run", help="run the throughput comparison against one database")
    run.add_argument("--db", required=True)
    run.add_argument("--kinds", default=",".join(KINDS))
    run.add_argument("--burst", type=int, default=3000)
    run.add_argument("--paced", type=int, default=100)
    run.add_argument("--profile", metavar="DIR", help="cProfile each bot's burst phase into DIR/<kind>.prof")
    args = parser.parse_args(argv)
    if args.command == "bot":
        run = (lambda: echo_bot(args.kind == "echo-limited")) if args.kind.startswith("echo") else (
            lambda: netzwerkbot(args.kind == "netzwerkbot-unthrottled"))
        profile_to = os.environ.get("BENCH_PROFILE")  # cProfile the bot process, dump stats here on exit
        if not profile_to:
            return run()
        import cProfile

        prof = cProfile.Profile()
        try:
            return prof.runcall(run)
        finally:
            prof.dump_stats(profile_to)
    texts = question_mix(Path(args.db))
    profile_dir = Path(args.profile) if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run_all(Path(args.db), texts, args.kinds.split(","), burst=args.burst, paced=args.paced,
                                  profile_dir=profile_dir))
    print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
