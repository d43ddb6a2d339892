"""``netzwerkbot db backup`` and ``db restore`` through the real command line, under load and against bad files.

Under load: a separate process commits rows to the user database (WAL mode) as fast as it can, and a
thread commits rows to the network database (rollback journal), while backups run. Every backup must pass
``integrity_check``, be one self-contained file, and hold every row committed before it started – with
no holes (the writers number their rows, so a consistent snapshot is 1..n).

Restore must refuse what is not ours (not SQLite, damaged, foreign), leaving every file as it was, and
must never replay a stale ``-wal`` into the restored file. The user database follows the convention of
issue 13 (``tests/userdb_stub.py``); ``bot/userdata.py`` lives on another branch.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.importer import import_file
from bot.settings import PROJECT_ROOT

from test_operator_faults import assert_one_clear_line, file_hash
from userdb_stub import WRITER, make_user_db, note_ids

DATA_DIR = PROJECT_ROOT / "data"
USERS = "netzwerkbot-users.sqlite"


def cli(tmp_path: Path, db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8",
                   "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(PROJECT_ROOT), "NETZWERKBOT_DB": str(db), **env}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)


def one_clear_line(result: subprocess.CompletedProcess, *must_contain: str) -> str:
    return assert_one_clear_line(result, *must_contain, code=1)


def backups(directory: Path, kind: str) -> list[Path]:
    return sorted(p for p in directory.iterdir() if re.match(rf"netzwerkbot-{kind}-\d{{8}}T\d{{6}}\.\d{{3}}Z\.sqlite$", p.name))


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


def ids(path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(f"select id from {table} order by id")]
    finally:
        conn.close()


def committed(path: Path, table: str) -> int:
    """The highest row id a new reader sees, i.e. committed."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute(f"select coalesce(max(id), 0) from {table}").fetchone()[0]
    finally:
        conn.close()


class UserWriter:
    """The user-database writer in a process of its own (as the bot would be)."""

    def __init__(self, path: Path, *extra: str):
        self.proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), *extra], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(10)


@pytest.fixture
def writers():
    started: list[UserWriter] = []

    def start(path: Path, *extra: str) -> UserWriter:
        started.append(UserWriter(path, *extra))
        return started[-1]

    yield start
    for writer in started:
        writer.stop(signal.SIGKILL)


class NetworkWriter(threading.Thread):
    """Commits numbered rows to a scratch table of the network database, one transaction each."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        conn = sqlite3.connect(path)
        conn.execute("create table if not exists load_test (id integer primary key, body text)")
        conn.commit()
        conn.close()
        self.path, self.stop_event, self.rows, self.error = path, threading.Event(), 0, None

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            while not self.stop_event.is_set():
                conn.execute("begin immediate")
                conn.execute("insert into load_test (id, body) values (?, ?)", (self.rows + 1, "y" * 500))
                conn.execute("commit")
                self.rows += 1
                time.sleep(0.001)  # network-database writes are rare in real life (db import); leave readers room
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            conn.close()


# -- backup ------------------------------------------------------------------------------------------------
def test_backup_under_load_is_consistent_and_complete(db_copy, tmp_path, writers):
    users = make_user_db(db_copy.with_name(USERS), rows=0)
    user_writer = writers(users)
    net_writer = NetworkWriter(db_copy)
    net_writer.start()
    target = tmp_path / "backups"
    time.sleep(0.5)
    figures = []
    try:
        for _ in range(5):
            before_users, before_net = committed(users, "notes"), committed(db_copy, "load_test")
            started = time.perf_counter()
            result = cli(tmp_path, db_copy, "db", "backup", str(target), "--keep", "3")
            seconds = time.perf_counter() - started
            assert result.returncode == 0, result.stderr
            assert result.stdout.count("Gesichert: ") == 2, result.stdout
            newest = {kind: backups(target, kind)[-1] for kind in ("network", "userdata")}
            for kind, table, before in (("userdata", "notes", before_users), ("network", "load_test", before_net)):
                path = newest[kind]
                assert integrity(path) == "ok"
                got = ids(path, table)
                assert got == list(range(1, len(got) + 1)), f"{kind}: a hole – not one consistent snapshot"
                assert len(got) >= before, f"{kind}: {before} rows committed before the backup, {len(got)} in it"
                assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()
                assert path.stat().st_mode & 0o777 == 0o600
                figures.append((kind, before, len(got), seconds))
            assert user_writer.proc.poll() is None and net_writer.is_alive()
    finally:
        net_writer.stop_event.set()
        net_writer.join(30)
    assert net_writer.error is None, net_writer.error
    user_writer.stop()
    # the writers kept going while backups ran, and --keep 3 left the newest three of each kind
    assert committed(users, "notes") > figures[-2][2] and net_writer.rows > figures[-1][2]
    for kind in ("network", "userdata"):
        assert len(backups(target, kind)) == 3
    assert not [p for p in target.iterdir() if p.name.startswith(".")], "no partial file left behind"
    print("backup under load (kind, committed before, rows in backup, seconds):", figures)


def test_backup_without_user_db_backs_up_the_network_db_only(db_copy, tmp_path):
    result = cli(tmp_path, db_copy, "db", "backup", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    assert "Nutzerdatenbank" in result.stdout and "existiert noch nicht" in result.stdout
    assert len(backups(tmp_path / "b", "network")) == 1 and not backups(tmp_path / "b", "userdata")


def test_backup_keeps_the_newest_n_and_nothing_else_is_touched(db_copy, tmp_path):
    make_user_db(db_copy.with_name(USERS))
    target = tmp_path / "b"
    target.mkdir()
    bystanders = {name: f"{name}\n" for name in ("notes.txt", "netzwerkbot-network-manual.sqlite",
                                                  "netzwerkbot-userdata-2020.sqlite")}
    for name, text in bystanders.items():
        (target / name).write_text(text)
    made = []
    for _ in range(5):
        assert cli(tmp_path, db_copy, "db", "backup", str(target), "--keep", "2").returncode == 0
        made.append(backups(target, "network")[-1])
    assert backups(target, "network") == sorted(made)[-2:]
    assert len(backups(target, "userdata")) == 2
    assert {n: (target / n).read_text() for n in bystanders} == bystanders
    bad_keep = cli(tmp_path, db_copy, "db", "backup", str(target), "--keep", "0")
    assert bad_keep.returncode == 2 and "--keep" in bad_keep.stderr


def test_backup_of_a_missing_or_damaged_network_db_fails_clearly(db_copy, tmp_path):
    make_user_db(db_copy.with_name(USERS))
    with db_copy.open("r+b") as fh:
        fh.seek(db_copy.stat().st_size // 2)
        fh.write(os.urandom(256 * 1024))
    damaged = cli(tmp_path, db_copy, "db", "backup", str(tmp_path / "b"))
    one_clear_line(damaged, "Netzwerk-Datenbank nicht gesichert", "integrity_check")
    assert "Gesichert: Nutzerdatenbank" in damaged.stdout  # the other one is still saved
    assert not backups(tmp_path / "b", "network")
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.startswith(".")]
    missing = cli(tmp_path, tmp_path / "none" / "netzwerkbot.sqlite", "db", "backup", str(tmp_path / "c"))
    one_clear_line(missing, "fehlt")


# -- restore: refusals ---------------------------------------------------------------------------------------------
def _foreign_sqlite(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.commit()
    conn.close()


def _bad_candidate(kind: str, path: Path, backup: Path) -> None:
    if kind == "random":
        path.write_bytes(os.urandom(64 * 1024))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("id,name\nfoo,bar\n")
    elif kind == "foreign":
        _foreign_sqlite(path, "create table customers (id integer primary key, name text);"
                              "insert into customers values (1, 'x');")
    elif kind == "other-meta":  # a meta table, but of some other program
        _foreign_sqlite(path, "create table meta (name text, version int); insert into meta values ('app', 3);")
    elif kind == "meta-without-networks":  # our meta keys, but no networks table
        _foreign_sqlite(path, "create table meta (key text primary key, value text);" + "".join(
            f"insert into meta values ('{k}', '1');" for k in ("schema_version", "source_fingerprint", "built_at",
                                                             "data_as_of")))
    elif kind == "other-kind":
        make_user_db(path, kind="some-other-app")
    elif kind == "truncated":
        path.write_bytes(backup.read_bytes()[: backup.stat().st_size // 3])
    elif kind == "garbage-pages":
        data = bytearray(backup.read_bytes())
        middle = len(data) // 2
        data[middle:middle + 200_000] = os.urandom(200_000)
        path.write_bytes(bytes(data))
    else:
        raise AssertionError(kind)


BAD = ("random", "empty", "text", "foreign", "other-meta", "meta-without-networks", "other-kind", "truncated",
       "garbage-pages")


@pytest.fixture(scope="module")
def network_backup(built_db, tmp_path_factory) -> Path:
    """One good backup of the network database (via the CLI) for the refusal cases to damage."""
    tmp = tmp_path_factory.mktemp("nb")
    db = tmp / "netzwerkbot.sqlite"
    db.write_bytes(built_db.read_bytes())
    assert cli(tmp, db, "db", "backup", str(tmp / "b")).returncode == 0
    return backups(tmp / "b", "network")[0]


@pytest.mark.parametrize("kind", BAD)
def test_restore_refuses_a_bad_file_and_changes_nothing(kind, db_copy, tmp_path, network_backup):
    users = make_user_db(db_copy.with_name(USERS))
    candidate = tmp_path / f"candidate-{kind}.sqlite"
    _bad_candidate(kind, candidate, network_backup)
    before = {p: file_hash(p) for p in (db_copy, users, candidate)}
    listing = sorted(p.name for p in db_copy.parent.iterdir())
    result = cli(tmp_path, db_copy, "db", "restore", str(candidate))
    line = one_clear_line(result)
    assert re.search(r"keine SQLite-Datenbank|beschädigt|keine netzwerkbot-Datenbank|keine lesbare", line), line
    assert "nicht wiederhergestellt" in line or "nichts wiederhergestellt" in line
    assert {p: file_hash(p) for p in before} == before
    assert sorted(p.name for p in db_copy.parent.iterdir()) == listing  # no temp file, no .before-restore


def test_restore_of_a_missing_file_or_the_live_database(db_copy, tmp_path):
    one_clear_line(cli(tmp_path, db_copy, "db", "restore", str(tmp_path / "nope.sqlite")), "nicht gefunden")
    one_clear_line(cli(tmp_path, db_copy, "db", "restore", str(db_copy)), "aktive Datenbank")


# -- restore: doing it -------------------------------------------------------------------------------------------
def test_restore_network_db_round_trip(db_copy, tmp_path):
    target = tmp_path / "b"
    assert cli(tmp_path, db_copy, "db", "backup", str(target)).returncode == 0
    (tmp_path / "new.json").write_text(json.dumps([{"id": "nach-der-sicherung", "name": "Nach der Sicherung",
                                                     "states": ["Sachsen"]}]), encoding="utf-8")
    assert import_file(db_copy, tmp_path / "new.json", Catalog.load(DATA_DIR)).ok
    after_import = file_hash(db_copy)
    result = cli(tmp_path, db_copy, "db", "restore", str(backups(target, "network")[0]))
    assert result.returncode == 0, result.stderr
    assert "Wiederhergestellt: Netzwerk-Datenbank" in result.stdout and "/reload" in result.stdout
    assert "nach-der-sicherung" not in ids_text(db_copy)
    before = Path(f"{db_copy}.before-restore")
    assert file_hash(before) == after_import and "nach-der-sicherung" in ids_text(before)
    assert integrity(db_copy) == "ok"
    assert not [p for p in db_copy.parent.iterdir() if ".restore-" in p.name]
    asked = cli(tmp_path, db_copy, "ask", "Welche Netzwerke in Sachsen?")
    assert asked.returncode == 0 and "Netzwerke in Sachsen" in asked.stdout


def ids_text(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return " ".join(r[0] for r in conn.execute("select id from networks"))
    finally:
        conn.close()


def test_restore_user_db_then_undo_it(db_copy, tmp_path):
    users = make_user_db(db_copy.with_name(USERS), rows=10)
    target = tmp_path / "b"
    assert cli(tmp_path, db_copy, "db", "backup", str(target)).returncode == 0
    conn = sqlite3.connect(users)
    conn.executemany("insert into notes values (?, ?)", [(i, "später") for i in range(11, 21)])
    conn.commit()
    conn.close()

    result = cli(tmp_path, db_copy, "db", "restore", str(backups(target, "userdata")[0]))
    assert result.returncode == 0, result.stderr
    assert "Wiederhergestellt: Nutzerdatenbank" in result.stdout and "starten" in result.stdout
    assert note_ids(users) == list(range(1, 11))
    conn = sqlite3.connect(users)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"  # as the user database runs
    conn.close()
    before = Path(f"{users}.before-restore")
    assert note_ids(before) == list(range(1, 21))

    undo = cli(tmp_path, db_copy, "db", "restore", str(before))  # the replaced file restores like any backup
    assert undo.returncode == 0, undo.stderr
    assert note_ids(users) == list(range(1, 21))
    assert note_ids(Path(f"{users}.before-restore")) == list(range(1, 11))
    older = [p for p in users.parent.iterdir() if re.match(rf"{USERS}\.before-restore-\d{{8}}T\d{{6}}Z$", p.name)]
    assert len(older) == 1 and note_ids(older[0]) == list(range(1, 21))  # nothing was overwritten


def test_restore_refuses_a_user_db_the_bot_holds_open(db_copy, tmp_path, writers):
    users = make_user_db(db_copy.with_name(USERS), rows=5)
    assert cli(tmp_path, db_copy, "db", "backup", str(tmp_path / "b")).returncode == 0
    writer = writers(users)
    result = cli(tmp_path, db_copy, "db", "restore", str(backups(tmp_path / "b", "userdata")[0]))
    one_clear_line(result, "gerade geöffnet", "Bot stoppen")
    writer.stop()
    rows = note_ids(users)
    assert rows == list(range(1, len(rows) + 1)) and len(rows) > 5  # the writer's rows are all there
    assert not Path(f"{users}.before-restore").exists()


def test_restore_over_a_crashed_user_db_does_not_replay_its_wal(db_copy, tmp_path, writers):
    """A bot killed with -9 leaves a ``-wal`` holding commits the main file lacks. Restoring must neither
    replay that WAL into the restored file nor lose it: it goes with the old file to ``.before-restore``."""
    users = make_user_db(db_copy.with_name(USERS), rows=5)
    assert cli(tmp_path, db_copy, "db", "backup", str(tmp_path / "b")).returncode == 0
    writer = writers(users, "no-checkpoint")
    time.sleep(0.5)
    writer.stop(signal.SIGKILL)
    wal = Path(f"{users}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    result = cli(tmp_path, db_copy, "db", "restore", str(backups(tmp_path / "b", "userdata")[0]))
    assert result.returncode == 0, result.stderr
    assert note_ids(users) == [1, 2, 3, 4, 5]
    assert integrity(users) == "ok"
    kept = note_ids(Path(f"{users}.before-restore"))
    assert len(kept) > 5 and kept == list(range(1, len(kept) + 1)), "the crashed file's commits are kept"


def test_restore_user_db_into_its_own_directory_as_its_owner(db_copy, tmp_path):
    """NETZWERKBOT_USERDB elsewhere than the network database; restored by root over a file the service
    user owns: the restored file keeps that owner (the bot could not write it otherwise)."""
    users = make_user_db(tmp_path / "elsewhere" / "users.sqlite", rows=3)
    env = {"NETZWERKBOT_USERDB": str(users)}
    assert cli(tmp_path, db_copy, "db", "backup", str(tmp_path / "b"), **env).returncode == 0
    if os.geteuid() == 0:
        os.chown(users, 65534, 65534)
    result = cli(tmp_path, db_copy, "db", "restore", str(backups(tmp_path / "b", "userdata")[0]), **env)
    assert result.returncode == 0, result.stderr
    assert note_ids(users) == [1, 2, 3]
    if os.geteuid() == 0:
        assert (users.stat().st_uid, users.stat().st_gid) == (65534, 65534)
    assert not [p for p in db_copy.parent.iterdir() if ".restore-" in p.name]
    assert not [p for p in users.parent.iterdir() if ".restore-" in p.name]
