"""``netzwerkbot doctor``: one line per check, exit 0 when nothing failed (warnings allowed), 1 otherwise.

The Telegram lines run against the fake Bot API (``tests/fake_botapi.py``, unchanged; a subclass here adds
the webhook error fields of ``getWebhookInfo``): a healthy bot, a rejected token (the fake answers 401), an
unreachable API, a webhook that reports errors, and webhook/polling mismatches. The database lines run
in-process against damaged, stale, foreign and missing files. Doctor must change nothing: not the
databases (file hash, rows) and not the webhook (no setWebhook/deleteWebhook).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.doctor as doctor
from bot.settings import PROJECT_ROOT

from fake_botapi import BOT_USERNAME, DEFAULT_TOKEN, FakeBotApi
from test_operator_faults import shared_dir  # noqa: F401 - a fixture (a directory 'nobody' may enter)
from userdb_stub import make_user_db, note_ids

pytestmark = pytest.mark.e2e
DATA_DIR = PROJECT_ROOT / "data"
HOOK = "https://bot.example.org/telegram"
SECRET = "doctor-test-secret-0123456789"


class WebhookApi(FakeBotApi):
    """The fake Bot API whose ``getWebhookInfo`` can also report Telegram's last delivery error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error: tuple[str, float] | None = None  # (message, seconds ago)

    def _m_getwebhookinfo(self, params):
        info = super()._m_getwebhookinfo(params)
        if self.error:
            info.update(last_error_message=self.error[0], last_error_date=int(time.time() - self.error[1]))
        return info


@pytest.fixture
def api():
    with WebhookApi() as server:
        yield server


@pytest.fixture
def deployment(db_copy, tmp_path):
    """A healthy deployment's files: the network DB (current with data/) and a user DB beside it."""
    make_user_db(db_copy.with_name("netzwerkbot-users.sqlite"))
    return db_copy


def doctor_cli(tmp_path: Path, db: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8",
                   "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(PROJECT_ROOT), "NETZWERKBOT_DB": str(db),
                   "XDG_DATA_HOME": str(tmp_path / "xdg"), **env}
    return subprocess.run([sys.executable, "-m", "bot.cli", "doctor"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)


def findings(result: subprocess.CompletedProcess) -> dict[str, tuple[str, str]]:
    """{check name: (status tag, detail)} of the report; also checks its shape."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert lines and lines[-1].startswith("Ergebnis: "), result.stdout
    found = {}
    for line in lines[:-1]:
        tag, rest = line[:8].strip(), line[8:]
        name, _, detail = rest.partition(": ")
        assert tag in ("OK", "WARNUNG", "FEHLER", "–") and detail, line
        found[name] = (tag, detail)
    return found


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- through the CLI, against the fake Bot API -----------------------------------------------------------------
def test_healthy_polling_deployment_is_all_ok_and_changes_nothing(api, deployment, tmp_path):
    users = deployment.with_name("netzwerkbot-users.sqlite")
    before = (file_hash(deployment), note_ids(users))
    result = doctor_cli(tmp_path, deployment, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_BASE_URL=api.base_url)
    found = findings(result)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "Ergebnis: alles in Ordnung."
    assert list(found) == ["Einstellungen", "Token", "Webhook", "Netzwerk-DB", "Datenalter", "Nutzer-DB",
                           "Platz Netzwerk-DB", "Platz Nutzer-DB"]
    assert {tag for tag, _ in found.values()} == {"OK"}, result.stdout
    assert f"@{BOT_USERNAME}" in found["Token"][1] and "id 123456" in found["Token"][1]
    assert found["Webhook"][1].startswith("keiner gesetzt (Long Polling)")
    assert "aktuell mit data/" in found["Netzwerk-DB"][1] and "228 Netzwerke" in found["Netzwerk-DB"][1]
    assert "beschreibbar, WAL" in found["Nutzer-DB"][1]
    # read-only: two questions to Telegram, nothing set or deleted; the databases as they were
    assert sorted(c.method for c in api.calls) == ["getMe", "getWebhookInfo"]
    assert (file_hash(deployment), note_ids(users)) == before
    conn = sqlite3.connect(users)
    assert not conn.execute("select 1 from sqlite_master where name like '%probe%'").fetchall()
    conn.close()


def test_bad_token_is_one_failure_and_never_printed(api, deployment, tmp_path):
    wrong = "654321:WRONG-doctor-secret-half"
    result = doctor_cli(tmp_path, deployment, TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_BASE_URL=api.base_url,
                        LOG_LEVEL="DEBUG")
    found = findings(result)
    assert result.returncode == 1
    assert found["Token"][0] == "FEHLER" and "abgelehnt" in found["Token"][1] and "@BotFather" in found["Token"][1]
    assert found["Webhook"] == ("–", "übersprungen (Token abgelehnt)")
    assert found["Netzwerk-DB"][0] == "OK"  # the other checks still ran
    assert result.stdout.splitlines()[-1].startswith("Ergebnis: 1 Fehler")
    assert [c.status for c in api.calls_of("getMe", ok_only=False)] == [401]
    for form in (wrong, wrong.split(":")[1], "WRONG-doctor"):
        assert form not in result.stdout + result.stderr


def test_unreachable_bot_api(deployment, tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = doctor_cli(tmp_path, deployment, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
                        TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    found = findings(result)
    assert result.returncode == 1
    assert found["Token"][0] == "FEHLER" and "nicht erreichbar" in found["Token"][1]
    assert found["Webhook"][0] == "–"


def test_webhook_that_reports_errors(api, deployment, tmp_path):
    api.webhook = {"url": HOOK, "secret_token": SECRET}
    api.error = ("Connection refused", 90)
    for _ in range(3):
        api.enqueue({"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}})
    env = dict(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_BASE_URL=api.base_url, WEBHOOK_URL=HOOK, WEBHOOK_SECRET=SECRET)
    recent = doctor_cli(tmp_path, deployment, **env)
    tag, detail = findings(recent)["Webhook"]
    assert recent.returncode == 1 and tag == "FEHLER", recent.stdout
    assert "Connection refused" in detail and "3 Updates warten" in detail
    seconds = int(re.search(r"vor (\d+) s ", detail).group(1))  # the fake's dates are whole seconds
    assert 85 <= seconds <= 120, detail
    assert SECRET not in recent.stdout + recent.stderr

    api.error = ("Wrong response from the webhook: 502 Bad Gateway", 3 * 86400)  # an old error: a warning
    old = doctor_cli(tmp_path, deployment, **env)
    tag, detail = findings(old)["Webhook"]
    assert old.returncode == 0 and tag == "WARNUNG" and "vor 3 Tagen" in detail, old.stdout

    api.error = None
    fine = doctor_cli(tmp_path, deployment, **env)
    assert findings(fine)["Webhook"] == ("OK", f"{HOOK}, 3 Updates warten, kein Fehler gemeldet")
    assert fine.returncode == 0
    assert not api.calls_of("setWebhook") and not api.calls_of("deleteWebhook")


def test_mode_mismatches(api, deployment, tmp_path):
    base = dict(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_BASE_URL=api.base_url)
    api.webhook = {"url": HOOK, "secret_token": SECRET}
    polling = doctor_cli(tmp_path, deployment, **base)  # polling configured, but a webhook is set
    tag, detail = findings(polling)["Webhook"]
    assert polling.returncode == 1 and tag == "FEHLER" and HOOK in detail and "409" in detail

    other = doctor_cli(tmp_path, deployment, **base, WEBHOOK_URL="https://standby.example.org/telegram",
                       WEBHOOK_SECRET=SECRET)  # webhook mode, but Telegram sends elsewhere
    tag, detail = findings(other)["Webhook"]
    assert other.returncode == 1 and tag == "FEHLER" and "anderer Bot-Prozess" in detail

    api.webhook = {"url": "", "secret_token": None}
    unset = doctor_cli(tmp_path, deployment, **base, WEBHOOK_URL=HOOK, WEBHOOK_SECRET=SECRET)  # not started yet
    tag, detail = findings(unset)["Webhook"]
    assert unset.returncode == 0 and tag == "WARNUNG" and "setzt ihn beim Start" in detail


def test_without_token_the_telegram_lines_are_skipped(db_copy, tmp_path):
    result = doctor_cli(tmp_path, db_copy)
    found = findings(result)
    assert found["Token"] == ("–", "übersprungen (kein Token)")
    assert found["Webhook"] == ("–", "übersprungen (kein Token)")
    # the user DB does not exist yet: a warning, not a failure
    assert found["Nutzer-DB"][0] == "WARNUNG" and "bei der ersten Nutzung angelegt" in found["Nutzer-DB"][1]
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "Ergebnis: in Ordnung, 1 Warnung(en)."


def test_malformed_setting_is_a_failure_line(db_copy, tmp_path):
    result = doctor_cli(tmp_path, db_copy, WEBHOOK_PORT="99999")
    found = findings(result)
    assert result.returncode == 1
    assert found["Einstellungen"][0] == "FEHLER" and "WEBHOOK_PORT" in found["Einstellungen"][1]
    assert list(found) == ["Einstellungen", "Weitere Prüfungen"]


# -- in-process: the database, disk and data-age lines ------------------------------------------------------------
def checks(db: Path, now: float | None = None, **env: str) -> dict[str, doctor.Check]:
    report = doctor.run_checks(env={"NETZWERKBOT_DB": str(db), **env}, now=now)
    return {c.name: c for c in report.checks}


def test_missing_databases_are_warnings(tmp_path):
    found = checks(tmp_path / "db" / "netzwerkbot.sqlite")
    assert found["Netzwerk-DB"].status == doctor.WARN and "baut sie beim ersten Start" in found["Netzwerk-DB"].detail
    assert found["Nutzer-DB"].status == doctor.WARN
    assert not (tmp_path / "db").exists()  # nothing built, nothing created


def test_damaged_network_db_is_a_failure(db_copy):
    with db_copy.open("r+b") as fh:  # garbage over the middle of the file, header intact
        fh.seek(db_copy.stat().st_size // 2)
        fh.write(os.urandom(64 * 1024))
    found = checks(db_copy)
    assert found["Netzwerk-DB"].status == doctor.FAIL and "beschädigt" in found["Netzwerk-DB"].detail
    assert found["Datenalter"].status == doctor.SKIP


def test_network_db_older_than_data_is_a_warning(db_copy, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "topics.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# changed\n")
    found = checks(db_copy, NETZWERKBOT_DATA_DIR=str(data))
    assert found["Netzwerk-DB"].status == doctor.WARN and "älter als data/" in found["Netzwerk-DB"].detail
    no_data = checks(db_copy, NETZWERKBOT_DATA_DIR=str(tmp_path / "nowhere"))
    assert no_data["Netzwerk-DB"].status == doctor.FAIL and "NETZWERKBOT_DATA_DIR" in no_data["Netzwerk-DB"].detail


def test_data_older_than_a_year_is_a_warning(db_copy):
    assert checks(db_copy)["Datenalter"].status == doctor.OK
    late = checks(db_copy, now=time.time() + 400 * 86400)["Datenalter"]
    assert late.status == doctor.WARN and "über ein Jahr" in late.detail


def test_low_disk_space_is_a_warning(db_copy, monkeypatch):
    monkeypatch.setattr(doctor, "DISK_WARN_BYTES", 10 ** 18)
    found = checks(db_copy)
    assert found["Platz Netzwerk-DB"].status == found["Platz Nutzer-DB"].status == doctor.WARN
    assert doctor.Report(list(found.values())).exit_code == 0  # warnings do not fail


@pytest.mark.parametrize("damage", ["foreign", "not-sqlite", "corrupt", "unwritable"])
def test_bad_user_db_is_a_failure(db_copy, damage, monkeypatch):
    users = db_copy.with_name("netzwerkbot-users.sqlite")
    if damage == "foreign":
        make_user_db(users, kind=None)
    elif damage == "not-sqlite":
        users.write_text("Notizen, keine Datenbank\n" * 100)
    elif damage == "corrupt":
        make_user_db(users, rows=3000, wal=False)
        with users.open("r+b") as fh:
            fh.seek(4096 * 3)
            fh.write(b"\xff" * 8192)
    else:  # the tests run as root, who may write anything: the check's answer for a file it may not write
        make_user_db(users)
        real = os.access
        monkeypatch.setattr(doctor.os, "access", lambda p, mode: False if Path(p) == users else real(p, mode))
    found = checks(db_copy)
    assert found["Nutzer-DB"].status == doctor.FAIL, found["Nutzer-DB"]


def test_user_db_open_by_the_running_bot_is_fine(db_copy):
    users = make_user_db(db_copy.with_name("netzwerkbot-users.sqlite"))
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
                               "c.execute('select * from notes').fetchall(); print('open', flush=True); time.sleep(60)",
                               str(users)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        found = checks(db_copy)
        assert found["Nutzer-DB"].status == doctor.OK and "vom Bot geöffnet" in found["Nutzer-DB"].detail
    finally:
        holder.kill()
        holder.wait()


def test_user_db_the_service_user_may_not_write_is_a_failure(shared_dir, built_db):
    """For real, not simulated: doctor run as an unprivileged user (``nobody``) against a user database
    owned by root with mode 0644 – readable, not writable. The network database is readable: OK."""
    from test_operator_faults import _unprivileged_python

    python, preexec, extra = _unprivileged_python()
    db = shared_dir / "netzwerkbot.sqlite"
    shutil.copy(built_db, db)
    users = make_user_db(shared_dir / "netzwerkbot-users.sqlite", wal=False)
    for path in (db, users):
        path.chmod(0o644)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(shared_dir), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": str(PROJECT_ROOT), "NETZWERKBOT_DB": str(db), **extra}
    result = subprocess.run([python, "-m", "bot.cli", "doctor"], cwd=shared_dir, env=env, capture_output=True,
                            text=True, timeout=120, preexec_fn=preexec)
    found = findings(result)
    assert result.returncode == 1, result.stdout
    assert found["Nutzer-DB"][0] == "FEHLER" and "nicht beschreibbar" in found["Nutzer-DB"][1], result.stdout
    assert found["Netzwerk-DB"][0] == "OK"
