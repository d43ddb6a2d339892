"""``netzwerkbot doctor``: is this deployment healthy? One line per check and an exit code.

Why one command: after an install, a token rotation, a switch between polling and webhook, a data
update or a restore, the operator wants one answer instead of six places to look – and a monitoring
job wants an exit code (0: everything ok or only warnings, 1: at least one failure). Each line says
what was found and, where something is wrong, what to do.

The checks only read. The one exception is the user database's write test, a transaction that is
rolled back. Nothing is built, and nothing is changed at Telegram: the Telegram part (``getMe`` and
``getWebhookInfo``, in ``handlers/probe.py`` so that ``bot/`` stays free of Telegram) is handed in
as a function, which lets tests give it a fake answer as well.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .settings import Settings, SettingsError, load_settings

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
TAGS = {OK: "OK      ", WARN: "WARNUNG ", FAIL: "FEHLER  ", SKIP: "–       "}
DISK_WARN_BYTES = 500 * 1000 ** 2  # below this (or twice the database: a rebuild writes a copy beside it): warn
DATA_MAX_AGE_DAYS = 365
RECENT_WEBHOOK_ERROR_S = 15 * 60  # a webhook error younger than this is a failure, an older one a warning
PENDING_WARN = 100  # polling mode: this many waiting updates means nobody is fetching them


@dataclass
class Check:
    status: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{TAGS[self.status]}{self.name}: {self.detail}"


@dataclass
class TelegramStatus:
    """What ``handlers/probe.py`` learned from the Bot API, as plain data."""

    me: dict | None = None  # getMe: id, username, first_name, supports_inline_queries
    webhook: dict | None = None  # getWebhookInfo: url, pending_update_count, last_error_date (epoch), last_error_message
    problem: str | None = None  # "token" (rejected), "network" (unreachable), "api" (another error)
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(c.status == FAIL for c in self.checks)

    @property
    def warnings(self) -> int:
        return sum(c.status == WARN for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def run_checks(env_file: str | None = None, env: dict[str, str] | None = None,
               telegram: Callable[[Settings], TelegramStatus] | None = None, now: float | None = None) -> Report:
    """Every check, in the order an operator would go through them."""
    report = Report()
    try:
        settings = load_settings(env, dotenv_path=env_file)
    except SettingsError as exc:
        report.checks.append(Check(FAIL, "Einstellungen", str(exc)))
        report.checks.append(Check(SKIP, "Weitere Prüfungen", "übersprungen (erst die Einstellung berichtigen)"))
        return report
    now = time.time() if now is None else now
    mode = f"Webhook {settings.webhook_url}" if settings.webhook_enabled else "Long Polling"
    report.checks.append(Check(OK, "Einstellungen", f"gelesen – {mode}; Netzwerk-DB {settings.db_path}; "
                                                   f"Nutzer-DB {settings.users_db}; Daten {settings.data_dir}"))
    for part in (lambda: telegram_checks(settings, telegram, now), lambda: network_db_checks(settings, now),
                 lambda: user_db_checks(settings), lambda: disk_checks(settings)):
        try:
            report.checks.extend(part())
        except Exception as exc:  # noqa: BLE001 - a check that breaks is a finding, not a traceback
            report.checks.append(Check(FAIL, "Prüfung abgebrochen", settings.redact(f"{type(exc).__name__}: {exc}")))
    return report


def print_report(report: Report, write: Callable[[str], None]) -> int:
    for check in report.checks:
        write(check.line())
    if report.failures:
        write(f"Ergebnis: {report.failures} Fehler, {report.warnings} Warnung(en).")
    elif report.warnings:
        write(f"Ergebnis: in Ordnung, {report.warnings} Warnung(en).")
    else:
        write("Ergebnis: alles in Ordnung.")
    return report.exit_code


# -- Telegram ----------------------------------------------------------------------------------------
def telegram_checks(settings: Settings, probe: Callable[[Settings], TelegramStatus] | None, now: float) -> list[Check]:
    if not settings.token:
        return [Check(SKIP, "Token", "übersprungen (kein Token)"), Check(SKIP, "Webhook", "übersprungen (kein Token)")]
    if probe is None:
        return [Check(SKIP, "Token", "übersprungen (keine Verbindung zu Telegram vorgesehen)"),
                Check(SKIP, "Webhook", "übersprungen")]
    status = probe(settings)
    detail = settings.redact(status.detail)
    if status.problem == "token":
        return [Check(FAIL, "Token", "von Telegram abgelehnt (ungültig oder widerrufen). Bei @BotFather ein gültiges "
                                     "holen (/mybots → API Token) und als TELEGRAM_BOT_TOKEN eintragen."),
                Check(SKIP, "Webhook", "übersprungen (Token abgelehnt)")]
    if status.problem == "network":
        return [Check(FAIL, "Token", f"Bot API unter {settings.base_url} nicht erreichbar ({detail})."),
                Check(SKIP, "Webhook", "übersprungen (Bot API nicht erreichbar)")]
    if status.problem == "api" or status.me is None:
        return [Check(FAIL, "Token", f"getMe fehlgeschlagen: {detail}"), Check(SKIP, "Webhook", "übersprungen")]
    me = status.me
    inline = "Inline-Modus an" if me.get("supports_inline_queries") else \
        "Inline-Modus aus (optional: /setinline bei @BotFather)"
    checks = [Check(OK, "Token", f"angenommen – @{me.get('username')} („{me.get('first_name')}“, id {me.get('id')}); "
                                 f"{inline}")]
    if status.webhook is None:
        checks.append(Check(FAIL, "Webhook", f"getWebhookInfo fehlgeschlagen: {detail}"))
    else:
        checks.append(webhook_check(settings, status.webhook, now))
    return checks


def _ago(seconds: float) -> str:
    """A duration rounded to its largest sensible unit (Telegram's error dates are whole seconds)."""
    seconds = max(0.0, seconds)
    if seconds < 119.5:
        return f"{round(seconds)} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} Tagen"


def webhook_check(settings: Settings, info: dict, now: float) -> Check:
    """Does what Telegram has registered match the configured mode?"""
    url = info.get("url") or ""
    pending = int(info.get("pending_update_count") or 0)
    error, error_at = info.get("last_error_message"), info.get("last_error_date")
    if not settings.webhook_enabled:
        if url:
            return Check(FAIL, "Webhook", f"Long Polling ist eingestellt, aber bei Telegram ist ein Webhook gesetzt ({url}); "
                                          f"solange er besteht, schlägt getUpdates fehl (409 Conflict). Läuft noch ein Bot "
                                          f"im Webhook-Modus (anderer Server)? Den stoppen; netzwerkbot run löscht den "
                                          f"Webhook beim Start.")
        if pending >= PENDING_WARN:
            return Check(WARN, "Webhook", f"keiner gesetzt (Long Polling), aber {pending} Updates warten – läuft der Bot?")
        return Check(OK, "Webhook", f"keiner gesetzt (Long Polling), {pending} Updates warten")
    if not url:
        return Check(WARN, "Webhook", f"Webhook-Modus eingestellt, bei Telegram aber keiner gesetzt ({pending} Updates "
                                      f"warten); netzwerkbot run setzt ihn beim Start – läuft der Bot?")
    if url != settings.webhook_url:
        return Check(FAIL, "Webhook", f"Telegram sendet an {url}, eingestellt ist {settings.webhook_url}: ein anderer "
                                      f"Bot-Prozess nutzt dieses Token. Den stoppen, dann diesen Bot neu starten "
                                      f"(setzt den Webhook).")
    if error:
        age = now - float(error_at) if error_at else None
        when = f"vor {_ago(age)}" if age is not None else "zu unbekannter Zeit"
        status = FAIL if age is not None and age < RECENT_WEBHOOK_ERROR_S else WARN
        return Check(status, "Webhook", f"{url}, {pending} Updates warten; Telegram meldete {when} den Fehler "
                                        f"„{settings.redact(str(error))}“ – Proxy, TLS-Zertifikat und Port prüfen "
                                        f"(docs/DEPLOY.md), journalctl -u netzwerkbot")
    return Check(OK, "Webhook", f"{url}, {pending} Updates warten, kein Fehler gemeldet")


# -- databases -------------------------------------------------------------------------------------------
def network_db_checks(settings: Settings, now: float) -> list[Check]:
    from .build import SCHEMA_VERSION, source_fingerprint
    from .store import StoreError, _open_checked

    path, name = settings.db_path, "Netzwerk-DB"
    if not (settings.data_dir / "networks.yaml").is_file():
        return [Check(FAIL, name, f"keine Quelldaten: {settings.data_dir / 'networks.yaml'} fehlt – "
                                  f"NETZWERKBOT_DATA_DIR prüfen"), Check(SKIP, "Datenalter", "übersprungen")]
    if not path.exists():
        return [Check(WARN, name, f"{path} fehlt – der Bot baut sie beim ersten Start aus data/ (etwa 1 s); "
                                  f"jetzt: netzwerkbot db build"), Check(SKIP, "Datenalter", "übersprungen (keine Datenbank)")]
    if not os.access(path, os.R_OK):
        return [Check(FAIL, name, f"{path} ist nicht lesbar (Rechte? doctor als Dienst-Benutzer ausführen)"),
                Check(SKIP, "Datenalter", "übersprungen")]
    try:
        conn = _open_checked(path, integrity=True)
    except StoreError as exc:
        return [Check(FAIL, name, str(exc)), Check(SKIP, "Datenalter", "übersprungen (Datenbank unbrauchbar)")]
    try:
        meta = dict(conn.execute("select key, value from meta").fetchall())
        count = conn.execute("select count(*) from networks").fetchone()[0]
        oldest = conn.execute("select as_of, id from networks where as_of glob '[0-9][0-9][0-9][0-9]-*' "
                              "order by as_of, id limit 1").fetchone()
        newest = conn.execute("select max(as_of) from networks where as_of glob '[0-9][0-9][0-9][0-9]-*'").fetchone()[0]
    finally:
        conn.close()
    checks = []
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        checks.append(Check(WARN, name, f"{path}: quick_check ok, aber Schema {meta.get('schema_version')} statt "
                                        f"{SCHEMA_VERSION} – der Bot baut sie beim nächsten Start neu (Importe bleiben)"))
    else:
        try:
            current = meta.get("source_fingerprint") == source_fingerprint(settings.data_dir)
        except OSError as exc:
            current = None
            checks.append(Check(WARN, name, f"{path}: quick_check ok; data/ nicht lesbar ({exc.strerror or exc})"))
        if current:
            checks.append(Check(OK, name, f"{path}: quick_check ok, aktuell mit data/ (gebaut {meta.get('built_at')}), "
                                          f"{count} Netzwerke"))
        elif current is False:
            checks.append(Check(WARN, name, f"{path}: quick_check ok, aber älter als data/ – der Bot baut sie beim "
                                            f"nächsten Start oder mit /reload neu; sofort: netzwerkbot db build"))
    checks.append(data_age_check(oldest, newest, now))
    return checks


def data_age_check(oldest: tuple | None, newest: str | None, now: float) -> Check:
    if not oldest:
        return Check(WARN, "Datenalter", "kein Netzwerk hat ein Stand-Datum (as_of)")
    as_of, network_id = oldest
    try:
        days = (dt.date.fromtimestamp(now) - dt.date.fromisoformat(as_of[:10])).days
    except ValueError:
        return Check(WARN, "Datenalter", f"unlesbares Stand-Datum {as_of!r} bei {network_id}")
    if days > DATA_MAX_AGE_DAYS:
        return Check(WARN, "Datenalter", f"ältester Eintrag {as_of} ({network_id}) ist {days} Tage alt, über ein Jahr – "
                                         f"Angaben prüfen und aktualisieren (data/ oder netzwerkbot db import)")
    return Check(OK, "Datenalter", f"ältester Eintrag {as_of} ({days} Tage), neuester {newest}")


def user_db_checks(settings: Settings) -> list[Check]:
    from .backup import USERDATA, has_sqlite_header, in_use, kind_of

    path, name = settings.users_db, "Nutzer-DB"
    if not path.exists():
        parent = _existing_ancestor(path.parent)
        if os.access(parent, os.W_OK):
            return [Check(WARN, name, f"{path} existiert noch nicht – sie wird bei der ersten Nutzung angelegt "
                                      f"({parent} ist beschreibbar)")]
        return [Check(FAIL, name, f"{path} existiert noch nicht, und {parent} ist nicht beschreibbar – der Bot kann sie "
                                  f"nicht anlegen (NETZWERKBOT_USERDB bzw. ReadWritePaths prüfen)")]
    if not has_sqlite_header(path):
        return [Check(FAIL, name, f"{path} ist keine SQLite-Datenbank – aus einer Sicherung wiederherstellen "
                                  f"(netzwerkbot db restore)")]
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        return [Check(FAIL, name, f"{path} oder sein Verzeichnis ist nicht beschreibbar (Rechte? im WAL-Modus legt "
                                  f"SQLite -wal/-shm daneben an)")]
    running = in_use(path)
    try:
        conn = sqlite3.connect(f"file:{_uri(path)}?mode=rw", uri=True, timeout=2, isolation_level=None)
    except sqlite3.Error as exc:
        return [Check(FAIL, name, f"{path} lässt sich nicht öffnen: {exc}")]
    try:
        result = conn.execute("pragma quick_check(1)").fetchone()[0]
        if result != "ok":
            return [Check(FAIL, name, f"{path}: quick_check meldet „{' '.join(str(result).split())[:160]}“ – aus "
                                      f"einer Sicherung wiederherstellen (netzwerkbot db restore)")]
        if kind_of(conn) != USERDATA:
            return [Check(FAIL, name, f"{path} ist keine netzwerkbot-Nutzerdatenbank (meta.kind fehlt) – "
                                      f"NETZWERKBOT_USERDB prüfen")]
        journal = conn.execute("pragma journal_mode").fetchone()[0]
        try:  # the write test: take the write lock, write, roll back
            conn.execute("begin immediate")
            conn.execute("create table _netzwerkbot_doctor_probe (x)")
            conn.execute("rollback")
            writable = "beschreibbar"
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("rollback")
            if "locked" in str(exc) or "busy" in str(exc):
                return [Check(WARN, name, f"{path}: quick_check ok; gerade gesperrt (schreibt der Bot?), Schreibtest "
                                          f"übersprungen")]
            return [Check(FAIL, name, f"{path} ist nicht beschreibbar: {exc}")]
    except sqlite3.DatabaseError as exc:
        return [Check(FAIL, name, f"{path} ist beschädigt ({exc}) – aus einer Sicherung wiederherstellen "
                                  f"(netzwerkbot db restore)")]
    finally:
        conn.close()
    users = "; vom Bot geöffnet" if running else ""
    wal = "WAL" if journal == "wal" else f"Journal-Modus {journal} (erwartet: WAL)"
    return [Check(OK if journal == "wal" else WARN, name, f"{path}: quick_check ok, {writable}, {wal}{users}")]


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _uri(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))


def disk_checks(settings: Settings) -> list[Check]:
    checks = []
    for name, path in (("Platz Netzwerk-DB", settings.db_path), ("Platz Nutzer-DB", settings.users_db)):
        where = _existing_ancestor(path.parent)
        try:
            free = shutil.disk_usage(where).free
        except OSError as exc:
            checks.append(Check(WARN, name, f"unbekannt für {where} ({exc.strerror or exc})"))
            continue
        size = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
        need = max(DISK_WARN_BYTES, 2 * size)
        text = f"{free / 1e9:.1f} GB frei in {where}"
        if free < need:
            checks.append(Check(WARN, name, f"nur {free / 1e6:.0f} MB frei in {where} (Warnschwelle {need / 1e6:.0f} MB): "
                                            f"ein Neubau oder eine Sicherung kann scheitern"))
        else:
            checks.append(Check(OK, name, text))
    return checks
