"""Secrets stay secret, and wrong settings fail with one clear line.

* ``Settings.redact`` removes the token (whole, URL-encoded, and its secret half) and the webhook
  secret; ``repr(settings)`` contains neither;
* the brain and the command line, run at DEBUG with a known token in the environment, never write
  the token anywhere (every log record, formatted with its traceback, plus stdout and stderr);
* ``configure_logging`` keeps httpx/httpcore (which log request URLs, and Bot API URLs contain the
  token) at WARNING even at DEBUG;
* a malformed setting -> one line naming the setting, exit code 2, no traceback, and the line never
  repeats a secret value.

The whole Telegram-side run at DEBUG against the fake Bot API is in ``tests/test_telegram_faults.py``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, SettingsError, configure_logging, load_settings

TOKEN = "987654321:AAHs3cr3tT0kenValue-For_Tests_only99"
TOKEN_SECRET = TOKEN.split(":", 1)[1]
WEBHOOK_SECRET = "WebhookSecretValue_123-abc"
DATA_DIR = PROJECT_ROOT / "data"


def leaks(text: str) -> list[str]:
    return [s for s in (TOKEN, TOKEN_SECRET, TOKEN.replace(":", "%3A"), WEBHOOK_SECRET) if s in text]


# -- redact and repr ------------------------------------------------------------------------------------
def test_redact_removes_every_form_of_the_token_and_the_webhook_secret():
    s = Settings(token=TOKEN, webhook_secret=WEBHOOK_SECRET)
    text = (f"GET https://api.telegram.org/bot{TOKEN}/getUpdates; encoded {TOKEN.replace(':', '%3A')}; "
            f"half {TOKEN_SECRET}; header X-Telegram-Bot-Api-Secret-Token: {WEBHOOK_SECRET}")
    clean = s.redact(text)
    assert leaks(clean) == []
    assert clean.count("<TOKEN>") == 3 and "<WEBHOOK_SECRET>" in clean
    assert Settings().redact(text) == text  # nothing configured, nothing to hide
    assert Settings(token="1:ab").redact("1:ab ab") == "<TOKEN> ab"  # a short half alone is not replaced


def test_settings_repr_never_contains_secrets():
    s = Settings(token=TOKEN, webhook_secret=WEBHOOK_SECRET, webhook_url="https://example.org/hook")
    assert leaks(repr(s)) == [] and leaks(str(s)) == []
    assert "example.org" in repr(s)


# -- the brain and the CLI at DEBUG ------------------------------------------------------------------------
class Everything(logging.Handler):
    """Formats every record it sees, with its traceback, so nothing escapes the check."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_brain_at_debug_with_a_token_never_logs_it(built_db, tmp_path, monkeypatch):
    from bot.brain import Brain
    from bot.render import to_json, to_telegram

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("NETZWERKBOT_DB", str(built_db))
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.token == TOKEN and settings.log_level == "DEBUG"
    root = logging.getLogger()
    handler = Everything()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        configure_logging(settings.log_level)
        logging.getLogger("netzwerkbot.test").debug("settings: %s", settings)  # a careless debug line
        brain = Brain.from_settings(settings)
        for text in ["/start", "Netzwerke in Sachsen", "Kontakt Jenaer Allianz", "/award 2013", "Nähe 37073",
                     "'; DROP TABLE networks; --", TOKEN, "x" * 5000]:
            to_telegram(brain.ask(text))
            to_json(brain.ask(text))
        for action in ["s:SN:1", "p:does-not-exist", "a:2013", "T"]:
            to_telegram(brain.act(action))
        brain.locate(50.9, 11.6)
        brain.reload()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logged = "\n".join(handler.lines)
    assert handler.lines, "DEBUG logging was on: something was logged"
    assert leaks(logged) == []


@pytest.mark.parametrize("args", [["ask", "Netzwerke in Sachsen"], ["ask", "--json", "Kontakt Jenaer Allianz"],
                                  ["db", "stats"], ["db", "check"], ["db", "build"]])
def test_cli_at_debug_with_a_token_never_prints_it(tmp_path, built_db, args):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(PROJECT_ROOT),
           "NETZWERKBOT_DB": str(built_db), "TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "DEBUG",
           "WEBHOOK_URL": "https://example.org/hook", "WEBHOOK_SECRET": WEBHOOK_SECRET,
           "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}  # a dead port: nothing could reach Telegram anyway
    result = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert leaks(result.stdout + result.stderr) == []


def test_configure_logging_keeps_url_loggers_quiet_at_debug():
    configure_logging("DEBUG")
    for name in ("httpx", "httpcore"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


# -- wrong settings --------------------------------------------------------------------------------------
BAD_SETTINGS = [
    ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "123:abc def"}, "TELEGRAM_BOT_TOKEN"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"NETZWERKBOT_ADMINS": "abc"}, "NETZWERKBOT_ADMINS"),
    ({"NETZWERKBOT_ADMINS": "1,2,drei"}, "NETZWERKBOT_ADMINS"),
    ({"WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_URL": "example.org/hook", "WEBHOOK_SECRET": "abc"}, "WEBHOOK_URL"),
    ({"WEBHOOK_URL": "https://example.org/hook", "WEBHOOK_SECRET": "bad secret with spaces!"}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
    ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
    ({"TELEGRAM_BASE_URL": "ftp://example.org/bot"}, "TELEGRAM_BASE_URL"),
    ({"NETZWERKBOT_USER_RATE_LIMIT": "0"}, "NETZWERKBOT_USER_RATE_LIMIT"),
]


@pytest.mark.parametrize("env,name", BAD_SETTINGS, ids=[n for _, n in BAD_SETTINGS])
def test_wrong_setting_one_line_exit_2(tmp_path, built_db, env, name):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(PROJECT_ROOT),
            "NETZWERKBOT_DB": str(built_db)}
    for args in (["ask", "hallo"], ["db", "stats"], ["run"], []):
        result = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env={**base, **env},
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert result.returncode == 2, (args, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and name in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stdout == ""
        for secret in ("abc def", "bad secret with spaces!"):
            assert secret not in lines[0]  # the line names the setting, it does not repeat a secret


def test_wrong_setting_in_an_env_file(tmp_path, built_db):
    env_file = tmp_path / "bot.env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=GESPRAECHIG\n")
    result = subprocess.run([sys.executable, "-m", "bot.cli", "--env-file", str(env_file), "ask", "hallo"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                                 "PYTHONPATH": str(PROJECT_ROOT), "NETZWERKBOT_DB": str(built_db)})
    assert result.returncode == 2 and "LOG_LEVEL" in result.stderr and "Traceback" not in result.stderr
    assert leaks(result.stderr + result.stdout) == []


@pytest.mark.parametrize("env,name", BAD_SETTINGS, ids=[n for _, n in BAD_SETTINGS])
def test_load_settings_raises_settings_error_naming_the_setting(env, name):
    with pytest.raises(SettingsError, match=name):
        load_settings(env=dict(env))


def test_run_without_token_explains_how_to_get_one(tmp_path, built_db):
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60, env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                                             "PYTHONPATH": str(PROJECT_ROOT), "NETZWERKBOT_DB": str(built_db)})
    assert result.returncode == 2 and "BotFather" in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_no_secret_in_settings_error_messages():
    """Error texts are built from names, never from the secret values themselves."""
    for env in ({"TELEGRAM_BOT_TOKEN": TOKEN + " x"},
                {"WEBHOOK_URL": "https://example.org", "WEBHOOK_SECRET": WEBHOOK_SECRET + "!"}):
        with pytest.raises(SettingsError) as info:
            load_settings(env=env)
        assert leaks(str(info.value)) == [] and TOKEN not in str(info.value)


def test_dotenv_is_read_from_the_working_directory_only_when_env_is_not_given(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("LOG_LEVEL=LOUD\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={}).log_level == "INFO"  # tests pass env: no .env is read
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        load_settings()
    os.environ.pop("LOG_LEVEL", None)  # load_dotenv wrote it into the process environment


def test_settings_path(tmp_path):
    assert isinstance(load_settings(env={"NETZWERKBOT_DB": str(tmp_path / "x.sqlite")}).db_path, Path)
