"""The files of ``deploy/`` and the commands of ``docs/DEPLOY.md`` agree with the code, checked by tools where
one is installed (``systemd-analyze verify``, ``caddy adapt``, ``nginx -t``; skipped otherwise) and by parsing
them here (always).
"""

from __future__ import annotations

import inspect
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.cli import build_parser, main
from bot.settings import PROJECT_ROOT, load_settings

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = ("netzwerkbot.service", "netzwerkbot-backup.service", "netzwerkbot-backup.timer")
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit file as {section: [(key, value), …]} (keys may repeat, as in systemd)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: key outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not key=value: {line}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit: dict, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, (section, key, found)
    return found[0]


def environment(unit: dict) -> dict[str, str]:
    env = {}
    for line in values(unit, "Service", "Environment"):
        for item in shlex.split(line):
            name, _, value = item.partition("=")
            env[name] = value
    return env


def cli_args(exec_start: str) -> list[str]:
    """The arguments after the netzwerkbot executable of an ExecStart line."""
    words = shlex.split(exec_start)
    assert words[0].endswith("/netzwerkbot"), words
    return words[1:]


def covered(path: str, writable: list[str]) -> bool:
    return any(Path(path) == Path(w) or Path(w) in Path(path).parents for w in writable)


# -- systemd -------------------------------------------------------------------------------------------------
def test_service_unit_has_the_required_keys():
    unit = parse_unit(DEPLOY / "netzwerkbot.service")
    service = "Service"
    assert one(unit, service, "User") == "netzwerkbot" and one(unit, service, "Group") == "netzwerkbot"
    assert one(unit, service, "Restart") == "on-failure"
    assert one(unit, service, "EnvironmentFile") == "/etc/netzwerkbot/netzwerkbot.env"
    assert one(unit, service, "ProtectSystem") == "strict"
    assert one(unit, service, "NoNewPrivileges") == "yes"
    assert one(unit, service, "ProtectHome") == "yes" and one(unit, service, "PrivateTmp") == "yes"
    assert one(unit, service, "CapabilityBoundingSet") == ""  # no capabilities at all
    assert cli_args(one(unit, service, "ExecStart")) == ["run"]
    build_parser().parse_args(["run"])
    # both databases lie inside what the service may write
    env = environment(unit)
    writable = " ".join(values(unit, service, "ReadWritePaths")).split()
    for name in ("NETZWERKBOT_DB", "NETZWERKBOT_USERDB"):
        assert covered(env[name], writable), (name, env[name], writable)
    assert Path(env["NETZWERKBOT_DB"]).parent == Path("/var/lib") / one(unit, service, "StateDirectory")
    settings = load_settings({k: v for k, v in env.items() if k.startswith("NETZWERKBOT_")})
    assert settings.users_db == Path(env["NETZWERKBOT_USERDB"]) == settings.db_path.with_name("netzwerkbot-users.sqlite")
    assert one(unit, "Install", "WantedBy") == "multi-user.target"
    assert "network-online.target" in one(unit, "Unit", "After")


def test_restart_prevent_exit_status_is_the_cli_code_for_a_bad_setting(monkeypatch, tmp_path):
    """``RestartPreventExitStatus=2``: the exit code of a malformed setting – which a restart cannot fix."""
    unit = parse_unit(DEPLOY / "netzwerkbot.service")
    code = int(one(unit, "Service", "RestartPreventExitStatus"))
    monkeypatch.chdir(tmp_path)  # no developer .env
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    assert main(["run"]) == code == 2


def test_backup_service_and_timer():
    unit = parse_unit(DEPLOY / "netzwerkbot-backup.service")
    args = build_parser().parse_args(cli_args(one(unit, "Service", "ExecStart")))
    assert (args.command, args.db_command, args.keep) == ("db", "backup", 14)
    writable = " ".join(values(unit, "Service", "ReadWritePaths")).split()
    assert covered(args.directory, writable)
    assert one(unit, "Service", "Type") == "oneshot" and one(unit, "Service", "User") == "netzwerkbot"
    service_env = environment(parse_unit(DEPLOY / "netzwerkbot.service"))
    for name in ("NETZWERKBOT_DB", "NETZWERKBOT_USERDB"):  # it backs up what the bot uses
        assert environment(unit)[name] == service_env[name]
    assert one(unit, "Service", "EnvironmentFile") == "/etc/netzwerkbot/netzwerkbot.env"
    timer = parse_unit(DEPLOY / "netzwerkbot-backup.timer")
    assert one(timer, "Timer", "OnCalendar") and one(timer, "Timer", "Persistent") == "true"
    assert one(timer, "Install", "WantedBy") == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify(tmp_path):
    """systemd's own check of the three units. ExecStart must name an existing executable, so the installed
    path is swapped for this checkout's (everything else is verified as shipped)."""
    executable = Path(sys.executable).parent / "netzwerkbot"
    if not executable.exists():
        executable = Path(shutil.which("true") or "/bin/true")
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace("/opt/netzwerkbot/.venv/bin/netzwerkbot", str(executable))
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if any(n in line for n in UNITS) or str(tmp_path) in line]
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_security_exposure_is_low(tmp_path):
    """systemd's own rating of the hardening (0 = fully locked down, 10 = none): at most 2.0 for both services."""
    for name in ("netzwerkbot.service", "netzwerkbot-backup.service"):
        shutil.copy(DEPLOY / name, tmp_path / name)
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", str(tmp_path / name)],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout + result.stderr)
        if result.returncode != 0 and match is None:
            pytest.skip(f"systemd-analyze security --offline not supported here: {result.stderr.strip()[:200]}")
        assert match and float(match.group(1)) <= 2.0, result.stdout[-500:]


# -- reverse proxy ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def defaults():
    return load_settings({})


def example_webhook_url() -> str:
    """WEBHOOK_URL as .env.example shows it."""
    match = re.search(r"^#?\s*WEBHOOK_URL=(\S+)$", (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8"), re.M)
    return match.group(1)


def test_the_header_is_the_one_python_telegram_bot_checks():
    from telegram.ext._utils import webhookhandler

    assert HEADER in inspect.getsource(webhookhandler)


def test_nginx_example_agrees_with_the_settings(defaults):
    text = (DEPLOY / "nginx-netzwerkbot.conf").read_text(encoding="utf-8")
    url = urlsplit(example_webhook_url())
    assert re.search(rf"^\s*server_name {re.escape(url.hostname)};", text, re.M)
    locations = re.findall(r"^\s*location = (\S+) \{", text, re.M)
    assert locations == [url.path] == [f"/{defaults.webhook_path}"]
    assert re.findall(r"^\s*proxy_pass (\S+);", text, re.M) == [f"http://{defaults.webhook_listen}:{defaults.webhook_port}"]
    header_variable = "$http_" + HEADER.lower().replace("-", "_")
    assert f'if ({header_variable} = "") {{ return 403; }}' in text
    assert "limit_except POST" in text and "listen 443 ssl;" in text


def test_caddy_example_agrees_with_the_settings(defaults):
    text = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    url = urlsplit(example_webhook_url())
    assert re.search(rf"^{re.escape(url.hostname)} \{{$", text, re.M)
    assert re.findall(r"^\s*path (\S+)$", text, re.M) == [url.path] == [f"/{defaults.webhook_path}"]
    assert re.findall(r"^\s*reverse_proxy (\S+)$", text, re.M) == [f"{defaults.webhook_listen}:{defaults.webhook_port}"]
    assert re.search(rf"^\s*header {HEADER} \*$", text, re.M)
    assert re.search(r"^\s*method POST$", text, re.M)


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed")
def test_caddy_accepts_the_caddyfile():
    result = subprocess.run(["caddy", "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None,
                    reason="nginx (and openssl for a test certificate) not installed")
def test_nginx_accepts_the_config(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    site = (DEPLOY / "nginx-netzwerkbot.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/bot.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/bot.example.org/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
                                         f"http {{ access_log off; include {tmp_path}/site.conf; }}\n", encoding="utf-8")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# -- the environment file ---------------------------------------------------------------------------------------
def env_lines(text: str, uncomment_webhook: bool = False) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        if uncomment_webhook and line.startswith("#WEBHOOK_"):
            line = line[1:]
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep and name == name.strip().upper() and '"' not in value and not name.startswith("export"), line
            env[name] = value
    return env


def test_env_example_for_the_service_loads_and_is_documented():
    text = (DEPLOY / "netzwerkbot.env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8"),
                                re.M))
    polling = load_settings(env_lines(text))
    assert polling.token and not polling.webhook_enabled
    webhook_env = env_lines(text, uncomment_webhook=True)
    webhook = load_settings(webhook_env)
    assert webhook.webhook_enabled and webhook.webhook_url == example_webhook_url()
    assert urlsplit(webhook.webhook_url).path == f"/{webhook.webhook_path}"
    assert set(webhook_env) <= documented, set(webhook_env) - documented


# -- docs/DEPLOY.md --------------------------------------------------------------------------------------------
def deploy_commands() -> list[str]:
    """Every ``netzwerkbot …`` / ``nwb …`` command line in DEPLOY.md's code (blocks and `spans`)."""
    text = (PROJECT_ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    code = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text)
    found = []
    for chunk in code:
        for match in re.finditer(r"(?:^|[\s/$])(?:nwb|netzwerkbot) ((?:doctor|run|ask|chat|db|bench)\b[^\n&|`]*)",
                                 chunk, re.M):
            command = re.sub(r"\[[^\]]*\]", "", match.group(1))  # optional parts: [--keep N]
            found.append(re.sub(r"<[^>]*>", "FILE", command).strip())
    return found


def test_every_command_in_deploy_md_parses():
    commands = deploy_commands()
    assert {"doctor", "run"} <= set(commands) and any(c.startswith("db backup") for c in commands) \
        and any(c.startswith("db restore") for c in commands), commands
    for command in commands:
        if command.startswith("bench"):
            continue
        try:
            build_parser().parse_args(shlex.split(command))
        except SystemExit:
            pytest.fail(f"DEPLOY.md: netzwerkbot {command!r} does not parse")


def test_deploy_md_uses_the_paths_of_the_units():
    text = (PROJECT_ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    env = environment(parse_unit(DEPLOY / "netzwerkbot.service"))
    alias = re.search(r"^alias nwb='(.*)'$", text, re.M).group(1)
    for name in ("NETZWERKBOT_DB", "NETZWERKBOT_USERDB"):
        assert f"{name}={env[name]}" in alias
    assert "--env-file /etc/netzwerkbot/netzwerkbot.env" in alias
    for name in ("netzwerkbot.service", "netzwerkbot-backup.service", "netzwerkbot-backup.timer", "Caddyfile",
                 "nginx-netzwerkbot.conf", "netzwerkbot.env.example"):
        assert (DEPLOY / name).is_file(), name
        assert name in text, name
