"""Settings from the environment and an optional ``.env`` file.

Every setting is documented in ``.env.example``. A malformed value raises :class:`SettingsError`
whose message names the setting, so the command line can print one clear line instead of a
traceback.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/netzwerkbot/netzwerkbot.sqlite``: outside the source tree, works after any install."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "netzwerkbot" / "netzwerkbot.sqlite"


def default_user_db_path(db_path: Path) -> Path:
    """The user-data database sits beside the network database, in a file of its own: the network
    database is rebuilt from data/ at will, what users told the bot must never go with it."""
    return db_path.with_name("netzwerkbot-users.sqlite")


def default_data_dir() -> Path:
    return PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never in a repr (and so never in a logged Settings)
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str | None = None
    db_path: Path = field(default_factory=default_db_path)
    user_db_path: Path | None = None  # None: beside db_path (see ``users_db``)
    data_dir: Path = field(default_factory=default_data_dir)
    admins: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    user_rate_limit: int = 20  # messages per user per minute before a friendly notice

    @property
    def users_db(self) -> Path:
        """The user-data database (``NETZWERKBOT_USERDB``; default: beside the network database)."""
        return self.user_db_path or default_user_db_path(self.db_path)

    @property
    def webhook_enabled(self) -> bool:
        return bool(self.webhook_url)

    def secrets(self) -> list[str]:
        """Every string that must never be logged, longest first: the token, its secret half (after
        the colon; it is what matters, and it also survives URL encoding of the colon), the URL-encoded
        token, and the webhook secret."""
        found = set()
        if self.token:
            found.add(self.token)
            found.add(quote(self.token, safe=""))
            half = self.token.partition(":")[2]
            if len(half) >= 8:
                found.add(half)
        if self.webhook_secret and len(self.webhook_secret) >= 8:
            found.add(self.webhook_secret)
        return sorted(found, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Replace the bot token (and the webhook secret) in ``text``; used by log filters and error messages."""
        for secret in self.secrets():
            if secret in text:
                text = text.replace(secret, "<WEBHOOK_SECRET>" if secret == self.webhook_secret else "<TOKEN>")
        return text


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} muss eine ganze Zahl sein (ist: {raw!r}).") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} muss zwischen {low} und {high} liegen (ist: {value}).")
    return value


def load_settings(env: dict[str, str] | None = None, dotenv_path: str | os.PathLike | None = None) -> Settings:
    """Read settings. ``env`` (for tests) replaces ``os.environ``; a ``.env`` file is read only then not."""
    if env is None:
        load_dotenv(dotenv_path or Path.cwd() / ".env", override=False)
        env = dict(os.environ)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and (":" not in token or any(ch.isspace() for ch in token)):
        raise SettingsError("TELEGRAM_BOT_TOKEN sieht nicht wie ein Bot-Token aus (erwartet: 123456:ABC…).")

    base_url = get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError(f"TELEGRAM_BASE_URL muss mit http:// oder https:// beginnen (ist: {base_url!r}).")

    admins: set[int] = set()
    for part in (get("NETZWERKBOT_ADMINS") or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"NETZWERKBOT_ADMINS: {part!r} ist keine Telegram-User-ID (Zahlen, durch Komma getrennt).")
        admins.add(int(part))

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL muss einer von {', '.join(LOG_LEVELS)} sein (ist: {log_level!r}).")

    webhook_url = get("WEBHOOK_URL")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise SettingsError(f"WEBHOOK_URL muss mit https:// beginnen (ist: {webhook_url!r}).")
    webhook_secret = get("WEBHOOK_SECRET")
    if webhook_url and not webhook_secret:
        raise SettingsError("WEBHOOK_SECRET fehlt: im Webhook-Modus ist ein geheimes Token Pflicht (1-256 Zeichen A-Z a-z 0-9 _ -).")
    if webhook_secret and (len(webhook_secret) > 256 or not all(c.isalnum() or c in "_-" for c in webhook_secret)):
        raise SettingsError("WEBHOOK_SECRET darf nur A-Z, a-z, 0-9, _ und - enthalten (1-256 Zeichen).")

    db = get("NETZWERKBOT_DB")
    user_db = get("NETZWERKBOT_USERDB")
    data_dir = get("NETZWERKBOT_DATA_DIR")
    return Settings(
        token=token,
        base_url=base_url,
        base_file_url=get("TELEGRAM_BASE_FILE_URL"),
        db_path=Path(db).expanduser() if db else default_db_path(),
        user_db_path=Path(user_db).expanduser() if user_db else None,
        data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
        admins=frozenset(admins),
        log_level=log_level,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=_int("WEBHOOK_PORT", get("WEBHOOK_PORT") or "8443", 1, 65535),
        webhook_path=(get("WEBHOOK_PATH") or "telegram").strip("/"),
        user_rate_limit=_int("NETZWERKBOT_USER_RATE_LIMIT", get("NETZWERKBOT_USER_RATE_LIMIT") or "20", 1, 10000),
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token: keep it quiet.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
