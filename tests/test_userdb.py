"""The user-data database on its own and under the CLI: schema and migrations, refusing foreign files,
retention, concurrent writers in separate processes, a SIGKILL during writes, and the ``reports`` /
``stats`` commands. Every process here is started by the test and ends (or is killed) inside it."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.feedback.userdb import KIND, SCHEMA_VERSION, Home, UserDataUnavailable, UserDB
from bot.settings import PROJECT_ROOT

from test_operator_faults import cli, cli_env

WRITER = """
import sys
from pathlib import Path
from bot.feedback.userdb import UserDB
db = UserDB(Path(sys.argv[1]), busy_timeout_ms=10000)
tag, count = sys.argv[2], int(sys.argv[3])
for k in range(count):
    report = db.add_report(network_id=None, network_name=f"{tag}-{k}", body="b" * 300, source_url=None,
                           reporter=tag)
    db.add_rating("region", "list", 1)
    print(report, flush=True)  # only after the commit: a printed id is a confirmed write
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_file_has_the_agreed_meta_and_wal(tmp_path):
    db = UserDB(tmp_path / "sub" / "users.sqlite")
    db.add_rating("region", "list", 1)
    db.close()
    conn = sqlite3.connect(tmp_path / "sub" / "users.sqlite")
    assert dict(conn.execute("select key, value from meta")) == {"kind": KIND, "schema_version": str(SCHEMA_VERSION)}
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")} >= \
        {"meta", "reports", "report_notes", "ratings", "homes", "subscriptions"}
    conn.close()
    again = UserDB(tmp_path / "sub" / "users.sqlite")  # opening again migrates nothing
    assert again.satisfaction() == [("region", "list", 1, 0)]


def test_the_network_database_is_never_taken_for_user_data(built_db, tmp_path):
    copy = tmp_path / "netzwerkbot.sqlite"
    copy.write_bytes(built_db.read_bytes())
    before = _digest(copy)
    with pytest.raises(UserDataUnavailable, match="keine Nutzerdaten-Datei"):
        UserDB(copy).home("1")
    assert _digest(copy) == before


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "users.sqlite"
    UserDB(path).add_rating("region", "list", 1)
    conn = sqlite3.connect(path)
    conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(UserDataUnavailable, match="Schema 99"):
        UserDB(path).satisfaction()


def test_retention_is_enforced(tmp_path):
    now = [1_800_000_000.0]
    db = UserDB(tmp_path / "users.sqlite", clock=lambda: now[0])
    old = db.add_report(network_id="x", network_name="X", body="alt", source_url=None, reporter="1")
    db.decide(old, "accepted")
    stale = db.add_report(network_id="x", network_name="X", body="offen", source_url=None, reporter="2")
    db.add_rating("region", "list", 1)
    db.set_home(Home("3", "z37073", "postcode", "37073 Göttingen", "Niedersachsen", 51.5, 9.9))
    db.set_home(Home("4", "z37073", "postcode", "37073 Göttingen", "Niedersachsen", 51.5, 9.9))
    db.subscribe("4", 50)
    now[0] += 181 * 86400
    assert db.purge() == {"reports": 0, "reporters": 1, "ratings": 0, "homes": 0}
    assert db.report(stale).reporter is None and db.report(stale).body == "offen"
    fresh = db.add_report(network_id="x", network_name="X", body="neu", source_url=None, reporter="5")
    now[0] += 200 * 86400
    counts = db.purge()
    assert counts == {"reports": 1, "reporters": 1, "ratings": 1, "homes": 1}
    assert db.report(old) is None and db.report(fresh).reporter is None
    assert db.home("3") is None and db.home("4") is not None  # a subscriber's home stays


def test_db_build_force_never_touches_the_user_database(db_copy, tmp_path):
    users = db_copy.with_name("netzwerkbot-users.sqlite")  # the default place, beside the network database
    db = UserDB(users)
    db.add_report(network_id=None, network_name="Netz", body="b", source_url=None, reporter="1")
    db.close()
    before, mtime = _digest(users), users.stat().st_mtime_ns
    result = cli(tmp_path, db_copy, "db", "build", "--force")
    assert result.returncode == 0, result.stderr
    assert _digest(users) == before and users.stat().st_mtime_ns == mtime


def test_two_processes_and_the_cli_write_at_the_same_time(tmp_path, db_copy):
    path = tmp_path / "users.sqlite"
    seed = UserDB(path)
    for _ in range(20):
        seed.decide(seed.add_report(network_id=None, network_name="Netz X", body="b", source_url=None,
                                    reporter="0"), "accepted")
    seed.close()
    env = cli_env(db_copy, tmp_path, NETZWERKBOT_USERDB=path)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, "300"], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    exporting = subprocess.Popen([sys.executable, "-m", "bot.cli", "reports", "export", "--mark-exported", "-o",
                                  str(tmp_path / "export.yaml")], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    readers = [cli(tmp_path, db_copy, "stats", NETZWERKBOT_USERDB=path) for _ in range(3)]
    outputs = [w.communicate(timeout=120) for w in writers]
    exported = exporting.communicate(timeout=120)
    assert [w.returncode for w in writers] == [0, 0], [err for _out, err in outputs]
    assert exporting.returncode == 0 and "20 Meldung(en) als exportiert markiert" in exported[1], exported
    assert all(r.returncode == 0 and "Zufriedenheit" in r.stdout for r in readers), [r.stderr for r in readers]
    ids = [int(line) for out, _err in outputs for line in out.split()]
    assert len(ids) == len(set(ids)) == 600
    db = UserDB(path)
    assert len(db.reports("open")) == 600 and db.count_reports("exported") == 20
    assert db.satisfaction() == [("region", "list", 600, 0)]
    conn = sqlite3.connect(path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_sigkill_during_writes_loses_nothing_confirmed(tmp_path, db_copy):
    path = tmp_path / "users.sqlite"
    env = cli_env(db_copy, tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "k", "1000000"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    confirmed: list[int] = []
    try:
        while len(confirmed) < 300:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            confirmed.append(int(line))
        writer.send_signal(signal.SIGKILL)  # in the middle of the next transactions
        rest, _err = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    confirmed += [int(line) for line in rest.split()]
    assert path.with_name(path.name + "-wal").exists()  # killed with its write-ahead log open
    db = UserDB(path)  # the next open recovers the log
    stored = {r.id for r in db.reports("open")}
    assert set(confirmed) <= stored and len(stored) - len(confirmed) <= 1  # at most the one in flight
    assert db.add_report(network_id=None, network_name="danach", body="b", source_url=None, reporter="x") > max(stored)
    conn = sqlite3.connect(path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_reports_cli_list_show_export_and_stats(tmp_path, db_copy):
    path = tmp_path / "users.sqlite"
    db = UserDB(path)
    first = db.add_report(network_id="jenaer-allianz-fuer-fachkraefte", network_name="Jenaer Allianz für Fachkräfte",
                          body="Neue Adresse: Markt 1", source_url="https://www.jena.de/x", reporter="1")
    db.add_note(first, "admin", "Seit wann?")
    second = db.add_report(network_id=None, network_name="Fachkräftenetz Leinetal", body="fehlt", source_url=None,
                           reporter="2", place={"kind": "town", "ref": "o37073", "name": "Göttingen",
                                                "state": "Niedersachsen"})
    db.decide(second, "accepted")
    db.add_rating("region", "list", 1)
    db.add_comment(db.add_rating("unknown", "text", -1), "Gastronomie fehlt")
    db.close()
    listed = cli(tmp_path, db_copy, "reports", "list", NETZWERKBOT_USERDB=path)
    assert listed.returncode == 0 and "#1" in listed.stdout and "1 Meldung(en) (open)" in listed.stdout
    shown = cli(tmp_path, db_copy, "reports", "show", "1", NETZWERKBOT_USERDB=path)
    assert "Neue Adresse: Markt 1" in shown.stdout and "Rückfrage: Seit wann?" in shown.stdout
    missing = cli(tmp_path, db_copy, "reports", "show", "99", NETZWERKBOT_USERDB=path)
    assert missing.returncode == 1 and "gibt es nicht" in missing.stderr and "Traceback" not in missing.stderr
    out = tmp_path / "neu.yaml"
    exported = cli(tmp_path, db_copy, "reports", "export", "--format", "yaml", "-o", str(out), NETZWERKBOT_USERDB=path)
    assert exported.returncode == 0, exported.stderr
    record = yaml.safe_load(out.read_text(encoding="utf-8"))["networks"][0]
    assert record["id"] == "fachkraeftenetz-leinetal" and record["towns"] == ["Göttingen"]
    imported = cli(tmp_path, db_copy, "db", "import", str(out))
    assert imported.returncode == 0 and "1 neu" in imported.stdout, imported.stderr
    stats = cli(tmp_path, db_copy, "stats", "--comments", "5", NETZWERKBOT_USERDB=path)
    assert "region" in stats.stdout and "100.0 %" in stats.stdout and "Gastronomie fehlt" in stats.stdout


def test_cli_with_a_damaged_user_database_says_so_in_one_line(tmp_path, db_copy):
    path = tmp_path / "users.sqlite"
    path.write_bytes(b"garbage" * 1000)
    for args in (("reports", "list"), ("stats",), ("reports", "export")):
        result = cli(tmp_path, db_copy, *args, NETZWERKBOT_USERDB=path)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Nutzerdaten nicht verfügbar" in lines[0]
    assert path.read_bytes() == b"garbage" * 1000
