"""End to end: ``netzwerkbot run`` as a subprocess against the fake Bot API server, one user and one admin
talking back – a home place and "in meiner Nähe", a subscription, a report that the admin accepts, a 👍
counted in /stats, an import plus /reload that tells the subscriber, and /vergessen leaving no row."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bot.feedback.userdb import UserDB

from fake_botapi import UpdateFactory
from test_e2e import START_TIMEOUT, api, assert_clean_output, make_env, run_bot  # noqa: F401 - fixtures
from test_talkback import NEW_NEAR_GOETTINGEN

pytestmark = pytest.mark.e2e

USER, ADMIN = 4711, 999


class Dialogue:
    """Posts updates and waits for what the bot sends to a chat."""

    def __init__(self, api):
        self.api = api

    def _sent(self, chat_id: int, method: str = "sendMessage") -> list:
        return [c for c in self.api.calls_of(method) if c.params.get("chat_id") == chat_id]

    def after(self, update: dict, chat_id: int, contains: str, method: str = "sendMessage", timeout: float = 15.0):
        """Deliver ``update`` and wait for a new ``method`` call to ``chat_id`` whose text has ``contains``."""
        seen = len(self._sent(chat_id, method))
        self.api.enqueue(update)
        return self.wait(chat_id, contains, seen, method, timeout)

    def wait(self, chat_id: int, contains: str, seen: int = 0, method: str = "sendMessage", timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self._sent(chat_id, method)[seen:]:
                if contains in (call.params.get("text") or ""):
                    return call
            time.sleep(0.05)
        raise TimeoutError(f"{contains!r} never reached {chat_id}: "
                           f"{[c.params.get('text', '')[:60] for c in self._sent(chat_id, method)]}")


def test_users_talk_back_end_to_end(api, make_env, run_bot, db_copy, tmp_path):  # noqa: F811 - fixtures
    users_db = tmp_path / "users.sqlite"
    env = make_env(api.base_url, LOG_LEVEL="INFO", NETZWERKBOT_ADMINS=str(ADMIN), NETZWERKBOT_USERDB=str(users_db))
    bot = run_bot(env)
    api.wait_for("getUpdates", timeout=START_TIMEOUT)
    user, admin, chat = UpdateFactory(USER), UpdateFactory(ADMIN), Dialogue(api)

    # a home place, then "in meiner Nähe" lists Göttingen's networks; a subscription
    chat.after(user.message("/heimat 37073"), USER, "Ihr Heimatort ist jetzt 37073 Göttingen")
    nearby = chat.after(user.message("in meiner Nähe"), USER, "Netzwerke in der Nähe von 37073 Göttingen")
    assert "Fachkräftebündnis Südniedersachsen" in nearby.params["text"]
    chat.after(user.message("/abo"), USER, "Abo gestartet")

    # a report: the admin is told at once, sees it in /meldungen, accepts it; the reporter is told
    chat.after(user.message("Fehler melden"), USER, "Welches Netzwerk")
    chat.after(user.message("Jenaer Allianz"), USER, "Was ist bei „Jenaer Allianz für Fachkräfte“")
    chat.after(user.message("Die Adresse ist veraltet."), USER, "Quelle")
    summary = chat.after(user.message("https://www.jena.de/fachkraefte"), USER, "Bitte prüfen Sie Ihre Meldung")
    seen = len(chat._sent(ADMIN))
    api.enqueue(user.callback("f:ok", summary.result))
    chat.wait(USER, "Meldung #1 ist eingegangen", method="editMessageText")
    notice = chat.wait(ADMIN, "Neue Meldung #1", seen)
    assert "Quelle (Domain www.jena.de): https://www.jena.de/fachkraefte" in notice.params["text"]
    listing = chat.after(admin.message("/meldungen"), ADMIN, "Offene Meldungen: 1")
    seen = len(chat._sent(USER))
    api.enqueue(admin.callback("R:1:a", listing.result))
    chat.wait(USER, "Ihre Meldung #1 zu „Jenaer Allianz für Fachkräfte“ wurde übernommen", seen)

    # 👍 under an answer: the row goes, "Danke!", and /stats counts it
    answer = chat.after(user.message("Welche Netzwerke in Sachsen?"), USER, "Netzwerke in Sachsen: 21")
    thanked = len([c for c in api.calls_of("answerCallbackQuery") if c.params.get("text") == "Danke!"])
    api.enqueue(user.callback("v:+:region:list", answer.result))
    api.wait_for("editMessageReplyMarkup", 1, timeout=15)
    assert len([c for c in api.calls_of("answerCallbackQuery") if c.params.get("text") == "Danke!"]) == thanked + 1
    stats = chat.after(admin.message("/stats"), ADMIN, "Zufriedenheit")
    assert "region: 1/0 (100 %)" in stats.params["text"]

    # an import of a new network near 37073, then /reload: the subscriber hears of it
    path = tmp_path / "neu.yaml"
    path.write_text(NEW_NEAR_GOETTINGEN, encoding="utf-8")
    imported = subprocess.run([sys.executable, "-m", "bot.cli", "db", "import", str(path)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0 and "2 neu" in imported.stdout, imported.stderr
    seen = len(chat._sent(USER))
    chat.after(admin.message("/reload"), ADMIN, "Neuigkeiten für 1 Abonnenten")
    news = chat.wait(USER, "Neu in Ihrer Region", seen)
    assert "Fachkräftenetz Leinetal" in news.params["text"] and "Isartal" not in news.params["text"]

    # /vergessen: nothing of the user is left
    chat.after(user.message("/vergessen"), USER, "Erledigt")
    assert bot.stop() == 0
    assert_clean_output(bot)
    assert "Die Adresse ist veraltet." not in bot.stderr and "jena.de/fachkraefte" not in bot.stderr
    db = UserDB(users_db)
    assert db.rows_mentioning(str(USER)) == []
    assert db.report(1).status == "accepted" and db.satisfaction() == [("region", "list", 1, 0)]
