"""A fake Telegram Bot API for tests: records every call, answers like Telegram, injects faults.

Three layers, so in-process tests and subprocess tests share one notion of "what Telegram says":

* :class:`BotApiCore` – the state (calls, update queue, webhook, sent messages) and the answer
  for one ``(token, method, params)``: realistic ``Message`` dicts, and the validation the real
  API does that matters for us (text ≤ 4096 characters, well-formed HTML, callback data ≤ 64
  bytes, deep-link payloads). Thread-safe.
* :class:`FakeBotApi` – an aiohttp server on ``127.0.0.1:<free port>`` in a background thread,
  serving ``/bot<TOKEN>/<method>`` (PTB's URL with ``base_url="http://127.0.0.1:PORT/bot"``),
  with long-polling ``getUpdates``.
* :class:`UpdateFactory` – builds update dicts (messages with command entities, locations,
  callback queries, inline queries) as Telegram would send them.

Fault injection: ``inject("sendMessage", times=2, status=429, retry_after=1)`` makes the next two
``sendMessage`` calls fail with a flood wait; ``status=500/502`` or ``delay=3.0`` work the same way;
``description=`` sets the error text (e.g. "Bad Request: message is not modified").

No test using this ever needs the internet.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any

DEFAULT_TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "netzwerk_test_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Netzwerk Testbot", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

MAX_TEXT = 4096
MAX_CALLBACK = 64
# Parameters PTB sends as plain strings (not JSON-encoded); everything else is JSON in form posts.
STRING_FIELDS = {"text", "title", "address", "url", "secret_token", "callback_query_id", "inline_query_id",
                 "parse_mode", "caption", "description", "inline_message_id", "language_code", "query",
                 "foursquare_id", "foursquare_type", "google_place_id", "google_place_type", "next_offset",
                 "business_connection_id", "message_effect_id", "ip_address"}
HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
             "tg-spoiler", "tg-emoji", "blockquote"}
_DEEP_LINK = re.compile(r"^https://t\.me/[A-Za-z0-9_]{5,32}\?start=([A-Za-z0-9_-]{1,64})$")


class HtmlCheck(HTMLParser):
    """Telegram's HTML subset: only known tags, properly nested; otherwise a 400 like the real API."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in HTML_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"Can't find end tag corresponding to start tag \"{tag}\""
            return
        self.stack.pop()

    @classmethod
    def problem(cls, text: str) -> str | None:
        checker = cls()
        checker.feed(text)
        checker.close()
        if checker.error is None and checker.stack:
            checker.error = f"Can't find end tag corresponding to start tag \"{checker.stack[-1]}\""
        return checker.error


@dataclass
class Call:
    method: str
    params: dict
    status: int = 200
    token: str = ""
    result: Any = None  # what the fake answered (e.g. the sent Message dict), None on errors
    at: float = field(default_factory=time.time)


@dataclass
class Fault:
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    description: str | None = None
    remaining: int = 1


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def decode_form(form: dict[str, str]) -> dict:
    """Form fields as PTB sends them: strings stay strings, everything else is JSON."""
    params = {}
    for key, value in form.items():
        if key in STRING_FIELDS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except (TypeError, ValueError):
            params[key] = value
    return params


class BotApiCore:
    """State and answers of the fake API; the HTTP server and the in-process request wrap it."""

    def __init__(self, token: str = DEFAULT_TOKEN, bot_user: dict | None = None):
        self.token = token
        self.bot_user = dict(bot_user or BOT_USER)
        self.calls: list[Call] = []
        self.webhook: dict = {"url": "", "secret_token": None}
        self.chat_types: dict[int, str] = {}
        self.sent: dict[tuple[int, int], dict] = {}
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._faults: dict[str, list[Fault]] = {}
        self._cond = threading.Condition()

    # -- test helpers -------------------------------------------------------------------------------
    def inject(self, method: str, times: int = 1, status: int | None = None, retry_after: int | None = None,
               delay: float = 0.0, description: str | None = None) -> None:
        """The next ``times`` calls of ``method`` fail with ``status`` and/or are delayed."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            self._faults.setdefault(method.lower(), []).append(
                Fault(status, retry_after, delay, description, remaining=times))

    def enqueue(self, update: dict) -> int:
        """Queue an update for ``getUpdates``; assigns and returns its ``update_id``."""
        with self._cond:
            update = dict(update)
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._remember_chats(update)
            self._cond.notify_all()
            return update["update_id"]

    def calls_of(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method.lower() == method.lower() and (c.status == 200 or not ok_only)]

    def methods(self) -> list[str]:
        with self._cond:
            return [c.method for c in self.calls]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, since: int = 0) -> list[Call]:
        """Block until ``count`` successful calls of ``method`` (after the first ``since``) arrived."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method.lower() == method.lower() and c.status == 200][since:]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method}: {len(found)} of {count} calls after {timeout} s; "
                                       f"calls so far: {[c.method for c in self.calls]}")
                self._cond.wait(left)

    async def wait_for_async(self, method: str, count: int = 1, timeout: float = 10.0, since: int = 0) -> list[Call]:
        return await asyncio.to_thread(self.wait_for, method, count, timeout, since)

    # -- serving ------------------------------------------------------------------------------------
    def take_fault(self, method: str) -> Fault | None:
        with self._cond:
            faults = self._faults.get(method.lower()) or []
            while faults and faults[0].remaining <= 0:
                faults.pop(0)
            if not faults:
                return None
            faults[0].remaining -= 1
            return Fault(faults[0].status, faults[0].retry_after, faults[0].delay, faults[0].description)

    def record(self, method: str, params: dict, status: int, token: str, result: Any = None) -> None:
        with self._cond:
            self.calls.append(Call(method, params, status, token, result))
            self._cond.notify_all()

    def pending_updates(self, offset: int | None, limit: int = 100) -> list[dict]:
        """Updates with ``update_id >= offset``; a given offset confirms (drops) all earlier ones."""
        with self._cond:
            if offset is not None and offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return list(self._updates[:limit])

    def respond(self, token: str, method: str, params: dict, fault: Fault | None = None) -> tuple[int, dict]:
        """Status and JSON body for one call (the call is recorded with that status)."""
        status, body = 200, None
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if fault is not None and fault.status:
                if fault.status == 429:
                    raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                   {"retry_after": fault.retry_after})
                raise ApiError(fault.status, fault.description or HTTPStatus(fault.status).phrase)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            body = {"ok": True, "result": handler(params)}
        except ApiError as exc:
            status = exc.status
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        self.record(method, params, status, token, body.get("result"))
        return status, body

    # -- building results ---------------------------------------------------------------------------
    def _remember_chats(self, update: dict) -> None:
        for key in ("message", "edited_message", "channel_post"):
            chat = (update.get(key) or {}).get("chat")
            if chat:
                self.chat_types[chat["id"]] = chat["type"]
        chat = ((update.get("callback_query") or {}).get("message") or {}).get("chat")
        if chat:
            self.chat_types[chat["id"]] = chat["type"]

    def _chat(self, chat_id: Any) -> dict:
        chat_id = int(chat_id)
        kind = self.chat_types.get(chat_id) or ("private" if chat_id > 0 else "supergroup")
        chat = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Test"
        else:
            chat["title"] = "Testgruppe"
        return chat

    def _message(self, params: dict, **content) -> dict:
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        message = {"message_id": next(self._message_ids), "from": self.bot_user, "chat": self._chat(params["chat_id"]),
                   "date": int(time.time()), **content}
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            self._check_keyboard(markup)
            message["reply_markup"] = markup
        elif isinstance(markup, dict) and "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    if not button.get("text"):
                        raise ApiError(400, "Bad Request: keyboard button text is empty")
        with self._cond:
            self.sent[(message["chat"]["id"], message["message_id"])] = message
        return message

    @staticmethod
    def _check_text(params: dict) -> str:
        text = params.get("text")
        if not text or not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        if str(params.get("parse_mode", "")).upper() == "HTML":
            problem = HtmlCheck.problem(text)
            if problem:
                raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
        return text

    @staticmethod
    def _check_keyboard(markup: dict) -> None:
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = button.get("url")
                if url and url.startswith("https://t.me/") and "?start=" in url and not _DEEP_LINK.match(url):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    def _m_getme(self, params):
        return self.bot_user

    def _m_getupdates(self, params):  # the server long-polls before calling this
        return self.pending_updates(params.get("offset"), int(params.get("limit") or 100))

    def _m_deletewebhook(self, params):
        with self._cond:
            self.webhook = {"url": "", "secret_token": None}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_setwebhook(self, params):
        if not str(params.get("url", "")).startswith("https://") and params.get("url"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        with self._cond:
            self.webhook = {"url": params.get("url", ""), "secret_token": params.get("secret_token"),
                            "allowed_updates": params.get("allowed_updates")}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_getwebhookinfo(self, params):
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _m_setmycommands(self, params):
        for command in params.get("commands", []):
            if not re.match(r"^[a-z0-9_]{1,32}$", command.get("command", "")) or \
                    not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    def _m_sendmessage(self, params):
        return self._message(params, text=self._check_text(params))

    def _m_editmessagetext(self, params):
        text = self._check_text(params)
        if params.get("inline_message_id"):
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        with self._cond:
            original = self.sent.get(key)
        message = {"message_id": key[1], "from": self.bot_user, "chat": self._chat(key[0]),
                   "date": original["date"] if original else int(time.time()), "edit_date": int(time.time()),
                   "text": text}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            self._check_keyboard(markup)
            message["reply_markup"] = markup
        return message

    def _m_editmessagereplymarkup(self, params):
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            self._check_keyboard(markup)
        if params.get("inline_message_id"):
            return True
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        with self._cond:
            original = self.sent.get(key)
            if original is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            if (original.get("reply_markup") or None) == (markup or None):
                raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                    "reply markup are exactly the same")
            message = {k: v for k, v in original.items() if k != "reply_markup"}
            if markup:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            self.sent[key] = message
        return message

    def _m_sendvenue(self, params):
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        venue = {"location": location, "title": params.get("title", ""), "address": params.get("address", "")}
        if not venue["title"] or not venue["address"]:
            raise ApiError(400, "Bad Request: venue title and address must be non-empty")
        return self._message(params, venue=venue, location=location)

    def _m_sendlocation(self, params):
        return self._message(params, location={"latitude": params["latitude"], "longitude": params["longitude"]})

    def _m_answercallbackquery(self, params):
        if len(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _m_answerinlinequery(self, params):
        results = params.get("results") or []
        if isinstance(results, str):
            results = json.loads(results)
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        for result in results:
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            content = result.get("input_message_content") or {}
            self._check_text({"text": content.get("message_text"), "parse_mode": content.get("parse_mode")})
            if result.get("reply_markup"):
                self._check_keyboard(result["reply_markup"])
        return True

    def _m_close(self, params):
        return True

    def _m_logout(self, params):
        return True


class FakeBotApi(BotApiCore):
    """The core behind a real HTTP server (aiohttp) in a background thread.

    ``with FakeBotApi() as api: ...`` starts and stops it; ``api.base_url`` goes into
    ``TELEGRAM_BASE_URL``. ``getUpdates`` long-polls for at most ``poll_cap`` seconds, whatever
    timeout the client asks for, so a stopping bot is never kept waiting.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, bot_user: dict | None = None, poll_cap: float = 1.0):
        super().__init__(token, bot_user)
        self.poll_cap = poll_cap
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> "FakeBotApi":
        ready = threading.Event()
        errors: list[BaseException] = []

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._start_server())
            except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
                errors.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-botapi", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = self._thread = None

    def __enter__(self) -> "FakeBotApi":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def _start_server(self) -> None:
        from aiohttp import web

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def _handle(self, request):
        from aiohttp import web

        match = re.match(r"^/bot([^/]+)/([A-Za-z]+)$", request.path)
        if not match:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        token, method = match.groups()
        params = decode_form(dict(request.query))
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(decode_form({k: v for k, v in (await request.post()).items() if isinstance(v, str)}))
        fault = self.take_fault(method)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if method.lower() == "getupdates" and token == self.token and not (fault and fault.status):
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), self.poll_cap)
            while not self.pending_updates(params.get("offset")) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        status, body = self.respond(token, method, params, fault)
        return web.json_response(body, status=status)


class UpdateFactory:
    """Update dicts as Telegram sends them. Messages get increasing ids per factory."""

    def __init__(self, user_id: int = 4711, first_name: str = "Erika", language_code: str | None = "de"):
        """``language_code``: the user's client language as Telegram sends it ("de", "en-GB"; None: none)."""
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            self.user["language_code"] = language_code
        self._ids = itertools.count(1)

    def user_with(self, user_id: int) -> dict:
        return {**self.user, "id": user_id}

    @staticmethod
    def chat(chat_id: int, chat_type: str | None = None) -> dict:
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        return {"id": chat_id, "type": kind, **({"first_name": "Erika"} if kind == "private" else {"title": "Gruppe"})}

    def message(self, text: str | None = None, chat_id: int | None = None, chat_type: str | None = None,
                user_id: int | None = None, reply_to: dict | None = None, **extra) -> dict:
        user = self.user_with(user_id) if user_id else self.user
        message = {"message_id": next(self._ids), "from": user, "date": int(time.time()),
                   "chat": self.chat(chat_id if chat_id is not None else user["id"], chat_type)}
        if text is not None:
            message["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(text.split()[0])})
            for match in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
                entities.append({"type": "mention", "offset": _utf16_len(text[:match.start()]),
                                 "length": _utf16_len(match.group())})
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra)
        return {"message": message}

    def location(self, lat: float, lon: float, **kwargs) -> dict:
        update = self.message(None, **kwargs)
        update["message"]["location"] = {"latitude": lat, "longitude": lon}
        return update

    def callback(self, data: str, message: dict, user_id: int | None = None) -> dict:
        """A button press on ``message`` (a Message dict as the bot received it from the API)."""
        return {"callback_query": {"id": str(next(self._ids) + 900000), "from": self.user_with(user_id) if user_id
                                   else self.user, "chat_instance": "ci-1", "data": data, "message": message}}

    def inline(self, query: str, user_id: int | None = None) -> dict:
        return {"inline_query": {"id": str(next(self._ids) + 800000), "from": self.user_with(user_id) if user_id
                                 else self.user, "query": query, "offset": ""}}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def post_webhook(port: int, update: dict, secret: str | None, path: str = "telegram") -> int:
    """POST ``update`` to a bot's webhook on 127.0.0.1 as Telegram would; return the HTTP status."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/{path}", data=json.dumps(update).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
