"""End to end: ``python -m bot.cli run`` as a subprocess against the fake Bot API server.

The bot only ever talks to 127.0.0.1: the fake server (``TELEGRAM_BASE_URL``) and, in webhook
mode, its own webhook listener. ``WEBHOOK_URL`` is merely the string registered via
``setWebhook`` on the fake server; nothing contacts it. Each test plays a user, checks what the
bot sent, stops the bot with SIGTERM (exit code 0 expected) and checks that the bot's output never
contains the token.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

from fake_botapi import BOT_USERNAME, DEFAULT_TOKEN, FakeBotApi, UpdateFactory, post_webhook

pytestmark = pytest.mark.e2e

TOKEN_SECRET = DEFAULT_TOKEN.split(":", 1)[1]  # "TEST-token"
JENA = "jenaer-allianz-fuer-fachkraefte"
START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BotProcess:
    """``netzwerkbot run`` in a subprocess; output goes to files (DEBUG logs would fill a pipe)."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir = workdir
        self.stdout_path, self.stderr_path = workdir / "stdout.txt", workdir / "stderr.txt"
        self._out = self.stdout_path.open("w")
        self._err = self.stderr_path.open("w")
        # cwd is a scratch directory, so a developer's ./.env can never change the test.
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=workdir, env=env,
                                     stdout=self._out, stderr=self._err)

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._close()

    def wait(self, timeout: float = START_TIMEOUT) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._close()

    def _close(self) -> None:
        self._out.close()
        self._err.close()

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@pytest.fixture
def api():
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def make_env(db_copy, tmp_path):
    """The environment for the bot: only what we set (no TELEGRAM_*/WEBHOOK_* leaking in)."""

    def build(base_url: str, **extra: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("TELEGRAM_", "WEBHOOK_", "NETZWERKBOT_", "LOG_LEVEL"))}
        env = {**keep, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_BASE_URL": base_url,
               "NETZWERKBOT_DB": str(db_copy), "LOG_LEVEL": "DEBUG", "XDG_DATA_HOME": str(tmp_path / "xdg"),
               "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1"}
        env.update(extra)
        return env

    return build


@pytest.fixture
def run_bot(tmp_path):
    started: list[BotProcess] = []

    def start(env: dict[str, str]) -> BotProcess:
        workdir = tmp_path / f"run{len(started)}"
        workdir.mkdir()
        process = BotProcess(workdir, env)
        started.append(process)
        return process

    yield start
    for process in started:  # a failed test must not leave a bot running
        process.kill()


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def assert_clean_output(bot: BotProcess, debug_tracebacks: bool = False) -> None:
    """No token anywhere; no traceback – or, with ``debug_tracebacks``, only under DEBUG records
    (PTB's webhook server logs each refused request, e.g. a wrong secret, at DEBUG with one)."""
    output = bot.stdout + bot.stderr
    assert TOKEN_SECRET not in output
    if not debug_tracebacks:
        assert "Traceback" not in output
        return
    level = None
    for line in output.splitlines():
        match = LOG_LINE.match(line)
        if match:
            level = match.group(1)
        elif line.startswith("Traceback"):
            assert level == "DEBUG", f"traceback under a {level} record"


def buttons(message: dict) -> dict[str, str]:
    return {b["text"]: b.get("callback_data") or b.get("url")
            for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row}


def play_conversation(api: FakeBotApi, deliver, user: UpdateFactory, inline: bool = True) -> None:
    """/start, a question, "Weiter ▶", a location and an inline query; ``deliver`` posts an update."""
    deliver(user.message("/start"))
    welcome = api.wait_for("sendMessage", 1)[0]
    assert "Willkommen beim netzwerkbot" in welcome.params["text"] and welcome.params["parse_mode"] == "HTML"

    deliver(user.message("Welche Netzwerke in Sachsen?"))
    listing = api.wait_for("sendMessage", 2)[1]
    assert "Netzwerke in Sachsen: 21" in listing.params["text"]
    weiter = buttons(listing.result)["Weiter ▶"]
    assert weiter == "s:SN:1"

    answered_before = len(api.calls_of("answerCallbackQuery"))
    deliver(user.callback(weiter, listing.result))
    edit = api.wait_for("editMessageText", 1)[0]
    answer = api.wait_for("answerCallbackQuery", answered_before + 1)[-1]
    assert answer.at <= edit.at and api.calls.index(answer) < api.calls.index(edit)
    assert edit.params["message_id"] == listing.result["message_id"]
    assert "Seite 2 von 4" in edit.params["text"]

    deliver(user.location(50.93, 11.59))
    nearby = api.wait_for("sendMessage", 3)[2]
    assert "Jenaer Allianz" in nearby.params["text"] and " km" in nearby.params["text"]

    if inline:
        deliver(user.inline("Jena"))
        results = api.wait_for("answerInlineQuery", 1)[0].params["results"]
        assert results[0]["id"] == JENA
        url = results[0]["reply_markup"]["inline_keyboard"][0][0]["url"]
        assert url == f"https://t.me/{BOT_USERNAME}?start=net_{JENA}"


# -- polling -------------------------------------------------------------------------------------------
def test_polling_conversation_and_clean_shutdown(api, make_env, run_bot):
    bot = run_bot(make_env(api.base_url))
    api.wait_for("getUpdates", timeout=START_TIMEOUT)
    assert api.calls_of("deleteWebhook")[0].params.get("drop_pending_updates") is True
    menus = api.calls_of("setMyCommands")
    assert len(menus) == 2 and menus[1].params["language_code"] == "en"
    polls = api.calls_of("getUpdates")
    assert {"message", "callback_query", "inline_query"} <= set(polls[0].params["allowed_updates"])

    play_conversation(api, api.enqueue, UpdateFactory())

    assert bot.stop() == 0
    assert_clean_output(bot)
    assert "<TOKEN>" in bot.stderr  # PTB logged its URL at DEBUG, and it was redacted
    assert "Welche Netzwerke in Sachsen?" not in "\n".join(
        line for line in bot.stderr.splitlines() if " INFO " in line or " WARNING " in line or " ERROR " in line)


def test_polling_rides_out_flood_waits_and_server_errors(api, make_env, run_bot):
    bot = run_bot(make_env(api.base_url, LOG_LEVEL="INFO"))
    api.wait_for("getUpdates", timeout=START_TIMEOUT)
    api.inject("sendMessage", times=1, status=429, retry_after=1)
    api.inject("getUpdates", times=1, status=502)
    api.enqueue(UpdateFactory().message("/award 2013"))
    sent = api.wait_for("sendMessage", 1, timeout=15)[0]
    assert "2013" in sent.params["text"]
    assert [c.status for c in api.calls_of("sendMessage", ok_only=False)][:2] == [429, 200]
    assert bot.stop() == 0
    assert_clean_output(bot)


# -- webhook -------------------------------------------------------------------------------------------
def wait_listening(port: int, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def test_webhook_mode_checks_the_secret_and_answers(api, make_env, run_bot):
    port, secret, url = free_port(), "s3cret_Test-42", "https://example.invalid/telegram"
    bot = run_bot(make_env(api.base_url, WEBHOOK_URL=url, WEBHOOK_SECRET=secret, WEBHOOK_LISTEN="127.0.0.1",
                           WEBHOOK_PORT=str(port), WEBHOOK_PATH="telegram"))
    registered = api.wait_for("setWebhook", timeout=START_TIMEOUT)[0].params
    assert registered["url"] == url and registered["secret_token"] == secret
    assert registered["drop_pending_updates"] is True
    wait_listening(port)

    user = UpdateFactory()
    update_ids = iter(range(1, 1000))

    def deliver(update: dict) -> None:
        status = post_webhook(port, {"update_id": next(update_ids), **update}, secret)
        assert status == 200

    # Without or with a wrong secret: refused and never processed.
    assert post_webhook(port, {"update_id": 900, **user.message("/start")}, None) == 403
    assert post_webhook(port, {"update_id": 901, **user.message("/start")}, "wrong") == 403
    time.sleep(0.5)
    assert api.calls_of("sendMessage") == []

    play_conversation(api, deliver, user)
    assert not api.calls_of("getUpdates")  # webhook mode never polls
    assert bot.stop() == 0
    assert_clean_output(bot, debug_tracebacks=True)
    assert "Request had the wrong secret token" in bot.stderr


# -- start-up failures -----------------------------------------------------------------------------------
def test_rejected_token_exits_with_one_clear_line(make_env, run_bot):
    with FakeBotApi(token="999999:ANOTHER-token") as other:  # answers our token with 401
        bot = run_bot(make_env(other.base_url, LOG_LEVEL="INFO"))
        code = bot.wait()
        assert [c.method for c in other.calls] == ["getMe"] and other.calls[0].status == 401
    assert code == 1
    lines = [line for line in bot.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("netzwerkbot: ") and "Token" in lines[0], bot.stderr
    assert bot.stdout == ""
    assert_clean_output(bot)


def test_unreachable_api_exits_with_one_clear_line(make_env, run_bot):
    bot = run_bot(make_env(f"http://127.0.0.1:{free_port()}/bot", LOG_LEVEL="INFO"))
    assert bot.wait() == 1
    lines = [line for line in bot.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "nicht erreichbar" in lines[0], bot.stderr
    assert_clean_output(bot)


# -- the fake server itself (it is meant for reuse in fault-injection tests) ------------------------------
def test_fake_server_faults_offsets_and_tokens(api):
    import httpx

    base = f"{api.base_url}{DEFAULT_TOKEN}"
    with httpx.Client(timeout=10) as client:
        assert client.post(f"{base}/getMe").json()["result"]["username"] == BOT_USERNAME
        assert client.post(f"{api.base_url}999:nope/getMe").status_code == 401

        api.inject("sendMessage", times=2, status=500)
        api.inject("sendMessage", times=1, status=429, retry_after=3)
        api.inject("sendMessage", times=1, delay=0.3)
        codes = [client.post(f"{base}/sendMessage", data={"chat_id": "1", "text": "x"}).status_code
                 for _ in range(3)]
        assert codes == [500, 500, 429]
        flood = api.calls_of("sendMessage", ok_only=False)[2]
        assert flood.status == 429
        started = time.monotonic()
        ok = client.post(f"{base}/sendMessage", data={"chat_id": "1", "text": "2013"}).json()
        assert time.monotonic() - started >= 0.3 and ok["result"]["text"] == "2013"  # strings stay strings
        bad = client.post(f"{base}/sendMessage", data={"chat_id": "1", "text": "<b>offen", "parse_mode": "HTML"})
        assert bad.status_code == 400 and "parse entities" in bad.json()["description"]

        first = api.enqueue(UpdateFactory().message("a"))
        api.enqueue(UpdateFactory().message("b"))
        got = client.post(f"{base}/getUpdates", data={"offset": "0", "timeout": "0"}).json()["result"]
        assert [u["update_id"] for u in got] == [first, first + 1]
        got = client.post(f"{base}/getUpdates", data={"offset": str(first + 1), "timeout": "0"}).json()["result"]
        assert [u["update_id"] for u in got] == [first + 1]  # the offset confirmed the first update
        started = time.monotonic()
        got = client.post(f"{base}/getUpdates", data={"offset": str(first + 2), "timeout": "30"}).json()["result"]
        assert got == [] and time.monotonic() - started < api.poll_cap + 1  # long poll, capped


# -- a conversation: follow-ups per chat ---------------------------------------------------------------------
def test_follow_ups_two_part_questions_and_separate_chats(api, make_env, run_bot):
    bot = run_bot(make_env(api.base_url, LOG_LEVEL="INFO"))
    api.wait_for("getUpdates", timeout=START_TIMEOUT)
    erika, max_ = UpdateFactory(user_id=4711), UpdateFactory(user_id=4712, first_name="Max")
    sent = 0

    def say(user: UpdateFactory, text: str) -> str:
        nonlocal sent
        api.enqueue(user.message(text))
        sent += 1
        return api.wait_for("sendMessage", sent)[-1].params["text"]

    assert "Jenaer Allianz für Fachkräfte" in say(erika, "Jenaer Allianz")
    assert say(erika, "Kontakt dazu").startswith("<b>Kontakt: Jenaer Allianz für Fachkräfte</b>")
    assert "„Gesundheit und Pflege“ in Sachsen" in say(erika, "Pflege in Sachsen")
    assert "„Gesundheit und Pflege“ in Thüringen" in say(erika, "und in Thüringen?")
    # another chat asks the same follow-up: it has no topic to keep
    other = say(max_, "und in Thüringen?")
    assert "Netzwerke in Thüringen" in other and "Pflege" not in other
    listing = say(erika, "Netzwerke in Sachsen und Thüringen")
    assert "Netzwerke in Sachsen und Thüringen: 30" in listing and "<b>Sachsen:</b>" in listing
    page = say(erika, "weiter")
    assert "Seite 2 von 5" in page and "Netzwerke in Sachsen und Thüringen" in page
    # Max's "Kontakt dazu" refers to his own list (Thüringen), not to Erika's Jenaer Allianz
    which = say(max_, "Kontakt dazu")
    assert "Welches Netzwerk meinen Sie?" in which and "Regionalmanagement Thüringer Bogen" in which
    assert "Dafür brauche ich noch eine Angabe" in say(UpdateFactory(user_id=4713), "Kontakt dazu")
    assert bot.stop() == 0
    assert_clean_output(bot)
    assert "und in Thüringen" not in bot.stderr  # message texts are not logged at INFO
