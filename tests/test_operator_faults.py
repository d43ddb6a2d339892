"""Operator faults, through the real command line (``python -m bot.cli`` as a subprocess).

Missing database -> rebuilt by ``ask``; damaged files -> one clear line naming the file and what to
do, exit != 0, file bytes unchanged, no traceback; unwritable locations -> one clear line; imports
are all-or-nothing (a bad row is named by number and nothing changes; ``--dry-run`` writes nothing;
an exception between batches and a real SIGKILL mid-transaction both leave every table exactly as
before, and a re-run succeeds); imports survive ``db build`` and automatic rebuilds.

About "read-only": the tests run as root, and root ignores directory permissions. The permission
cases therefore run the CLI as the unprivileged user ``nobody`` (uid 65534) when the test runs as
root - with the system's Python of the same version when the venv's interpreter lives somewhere
``nobody`` cannot read - and first prove that ``nobody`` really cannot create a file there. Two
cases need no privilege trick at all: a path under ``/sys`` (sysfs refuses new files even to root)
and a path whose parent is a regular file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

import bot.importer as importer
from bot.catalog import Catalog
from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
NOBODY = 65534


# -- helpers ---------------------------------------------------------------------------------------
def cli_env(db: Path, home: Path, **extra) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "NETZWERKBOT_DB": str(db),
           "PYTHONPATH": str(PROJECT_ROOT), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def cli(tmp_path: Path, db: Path, *args: str, python: str = sys.executable, preexec=None, timeout: float = 180,
        **extra) -> subprocess.CompletedProcess:
    """Run ``netzwerkbot <args>`` in ``tmp_path`` (so no developer .env is read)."""
    return subprocess.run([python, "-m", "bot.cli", *args], cwd=tmp_path, env=cli_env(db, tmp_path, **extra),
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec)


def assert_one_clear_line(result: subprocess.CompletedProcess, *must_contain: str, code: int | None = None) -> str:
    """The command failed (with exit ``code`` if given) and said why in one line on stderr, no traceback."""
    assert result.returncode != 0 if code is None else result.returncode == code, (result.returncode, result)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for text in must_contain:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_contents(db: Path) -> dict[str, list]:
    """Every row of every table, sorted (a normal open, which rolls back a hot journal as any reader would)."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1")]
        return {t: sorted(repr(row) for row in conn.execute(f'select * from "{t}"')) for t in tables}
    finally:
        conn.close()


def network_ids(db: Path, origin: str | None = None) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        sql, params = "select id from networks", []
        if origin:
            sql, params = sql + " where origin = ?", [origin]
        return {r[0] for r in conn.execute(sql, params)}
    finally:
        conn.close()


def records(n: int, prefix: str = "rel-test", profile_words: int = 8) -> list[dict]:
    words = ["Fachkräfte", "Netzwerk", "Region", "Ausbildung", "Pflege", "Handwerk", "Zukunft", "Betriebe"]
    return [{"id": f"{prefix}-{i:05d}", "name": f"Testnetzwerk {prefix} Nummer {i}", "states": ["Sachsen"],
             "towns": ["Leipzig"], "kind": "network",
             "profile": " ".join(words[(i + k) % len(words)] for k in range(profile_words))} for i in range(n)]


def write_json(path: Path, recs: list[dict]) -> Path:
    path.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    return path


def bundled_record(network_id: str) -> dict:
    """One record of data/networks.yaml in import form (the export is the import format)."""
    import yaml

    raw = yaml.safe_load((DATA_DIR / "networks.yaml").read_text(encoding="utf-8"))["networks"]
    return next(dict(r) for r in raw if r["id"] == network_id)


@pytest.fixture(scope="module")
def first_bundled_id() -> str:
    import yaml

    return yaml.safe_load((DATA_DIR / "networks.yaml").read_text(encoding="utf-8"))["networks"][0]["id"]


# -- missing and damaged databases -------------------------------------------------------------------
def test_missing_database_is_built_by_ask(tmp_path):
    db = tmp_path / "sub" / "dir" / "netzwerkbot.sqlite"
    result = cli(tmp_path, db, "ask", "Welche Netzwerke in Sachsen?")
    assert result.returncode == 0, result.stderr
    assert "Netzwerke in Sachsen: " in result.stdout
    assert db.is_file() and table_contents(db)["networks"]
    assert not list(db.parent.glob(".*building*")), "no temporary build file left behind"


def _damage_pages(db: Path, table: str) -> int:
    """Overwrite the leaf pages of ``table`` with garbage; header, schema and meta stay intact."""
    conn = sqlite3.connect(db)
    try:
        page_size = conn.execute("pragma page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute("select pageno from dbstat where name = ? and pagetype = 'leaf'", [table])]
    finally:
        conn.close()
    with open(db, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * page_size)
            f.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    return len(pages)


def _has_dbstat() -> bool:
    try:
        sqlite3.connect(":memory:").execute("select * from dbstat").fetchall()
        return True
    except sqlite3.Error:
        return False


DAMAGE = ["random-bytes", "empty-file", "text-file", "other-sqlite", "truncated", "damaged-networks-pages",
          "damaged-postcodes-pages", "damaged-fts-pages"]


def _make_damaged(kind: str, built_db: Path, target: Path) -> None:
    if kind == "random-bytes":
        target.write_bytes(os.urandom(100_000))
    elif kind == "empty-file":
        target.write_bytes(b"")
    elif kind == "text-file":
        target.write_text("Das ist keine Datenbank.\n")
    elif kind == "other-sqlite":
        conn = sqlite3.connect(target)
        conn.execute("create table t (x)")
        conn.commit()
        conn.close()
    elif kind == "truncated":
        target.write_bytes(built_db.read_bytes()[: built_db.stat().st_size // 2])
    else:
        if not _has_dbstat():
            pytest.skip("this SQLite has no dbstat table to find a table's pages")
        shutil.copy(built_db, target)
        table = {"damaged-networks-pages": "networks", "damaged-postcodes-pages": "postcodes",
                 "damaged-fts-pages": "networks_fts_data"}[kind]
        assert _damage_pages(target, table) > 0


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("command", [("ask", "Netzwerke in Sachsen"), ("db", "stats"), ("db", "import", "GOOD"),
                                     ("db", "export", "--format", "json"), ("db", "build"), ("db", "check")])
def test_damaged_database_one_clear_line_and_untouched(tmp_path, built_db, kind, command):
    db = tmp_path / "netzwerkbot.sqlite"
    _make_damaged(kind, built_db, db)
    before = file_hash(db)
    args = [str(write_json(tmp_path / "good.json", records(3))) if a == "GOOD" else a for a in command]
    result = cli(tmp_path, db, *args)
    line = assert_one_clear_line(result, str(db))
    assert "db build --force" in line or "sichern" in line.lower(), line  # says what to do
    assert file_hash(db) == before, "the damaged file must stay exactly as it was (it may be evidence)"
    assert not (tmp_path / "netzwerkbot.sqlite-journal").exists()


def test_damaged_database_check_reports_instead_of_crashing(tmp_path, built_db):
    if not _has_dbstat():
        pytest.skip("no dbstat")
    db = tmp_path / "netzwerkbot.sqlite"
    _make_damaged("damaged-networks-pages", built_db, db)
    assert_one_clear_line(cli(tmp_path, db, "db", "check"), str(db), "db build --force")
    problems = importer.check_database(db)  # called directly it reports the damage as a finding
    assert len(problems) == 1 and "integrity_check" in problems[0] and "db build --force" in problems[0]


def test_damaged_database_after_deleting_it_is_rebuilt(tmp_path):
    """What the message advises works: move the file away, and the next command builds afresh."""
    db = tmp_path / "netzwerkbot.sqlite"
    db.write_bytes(os.urandom(4096))
    assert cli(tmp_path, db, "ask", "hallo").returncode != 0
    db.rename(tmp_path / "netzwerkbot.sqlite.kaputt")
    result = cli(tmp_path, db, "ask", "Netzwerke in Sachsen")
    assert result.returncode == 0 and "Netzwerke in Sachsen" in result.stdout


# -- unwritable locations -------------------------------------------------------------------------------
def _unprivileged_python() -> tuple[str, object, dict]:
    """(interpreter, preexec_fn, extra env) that run the CLI as a user whom permissions bind."""
    if os.geteuid() != 0:
        return sys.executable, None, {}

    def drop():
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)

    site = sysconfig.get_paths()["purelib"]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, shutil.which(f"python{version}") or "", f"/usr/bin/python{version}"]
    for python in dict.fromkeys(c for c in candidates if c):
        extra = {} if python == sys.executable else {"PYTHONPATH": f"{PROJECT_ROOT}{os.pathsep}{site}"}
        try:
            probe = subprocess.run(
                [python, "-c", "import os, sys, sqlite3, yaml, rapidfuzz, sqlite_utils, dotenv; "
                               "print(os.geteuid(), '%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, preexec_fn=drop, env={"PATH": "/usr/bin:/bin", **extra}, cwd="/")
        except OSError:  # e.g. the venv interpreter lives under /root
            continue
        if probe.returncode == 0 and probe.stdout.split() == [str(NOBODY), version]:
            return python, drop, extra
    pytest.skip("running as root and no interpreter the user 'nobody' can run with this venv's packages")


def _as_nobody(tmp_path: Path, db: Path, *args: str) -> subprocess.CompletedProcess:
    python, preexec, extra = _unprivileged_python()
    return cli(tmp_path, db, *args, python=python, preexec=preexec, **extra)


@pytest.fixture
def shared_dir():
    """A scratch directory the unprivileged user can enter (pytest's tmp_path lives under a 0700 root dir)."""
    path = Path(tempfile.mkdtemp(prefix="netzwerkbot-ro-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


@pytest.fixture
def readonly_dir(shared_dir) -> Path:
    """A directory with mode 0555 which the CLI, run as a user permissions bind, cannot write."""
    ro = shared_dir / "readonly"
    ro.mkdir()
    ro.chmod(0o555)
    python, preexec, extra = _unprivileged_python()
    probe = subprocess.run([python, "-c", f"open({str(ro / 'probe')!r}, 'w')"], capture_output=True, text=True,
                           preexec_fn=preexec, env={"PATH": "/usr/bin:/bin", **extra}, cwd="/")
    assert probe.returncode != 0 and "PermissionError" in probe.stderr, "precondition: the directory is not writable"
    return ro


def test_missing_database_in_unwritable_directory(shared_dir, readonly_dir):
    db = readonly_dir / "netzwerkbot.sqlite"
    result = _as_nobody(shared_dir, db, "ask", "hallo")
    assert_one_clear_line(result, str(db), "NETZWERKBOT_DB")
    assert list(readonly_dir.iterdir()) == []


def test_readonly_database_still_answers_but_import_is_refused(shared_dir, built_db, readonly_dir):
    db = readonly_dir / "netzwerkbot.sqlite"
    readonly_dir.chmod(0o755)
    shutil.copy(built_db, db)
    db.chmod(0o444)
    readonly_dir.chmod(0o555)
    before = file_hash(db)
    good = write_json(shared_dir / "good.json", records(3))
    good.chmod(0o644)
    answer = _as_nobody(shared_dir, db, "ask", "Netzwerke in Sachsen")
    assert answer.returncode == 0 and "Netzwerke in Sachsen" in answer.stdout, answer.stderr
    result = _as_nobody(shared_dir, db, "db", "import", str(good))
    assert_one_clear_line(result, str(db))
    assert file_hash(db) == before


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs sysfs at /sys")
@pytest.mark.parametrize("where", ["/sys/netzwerkbot-test.sqlite", "/sys/netzwerkbot-test/db.sqlite"])
def test_database_on_a_filesystem_that_refuses_files(tmp_path, where):
    """sysfs refuses new files even to root: an honest unwritable location without dropping privileges."""
    db = Path(where)
    result = cli(tmp_path, db, "ask", "hallo")
    assert_one_clear_line(result, str(db))
    assert not db.exists()


def test_database_path_under_a_regular_file(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    db = blocker / "netzwerkbot.sqlite"
    assert_one_clear_line(cli(tmp_path, db, "ask", "hallo"), str(db))
    assert_one_clear_line(cli(tmp_path, db, "db", "build"), str(db))
    assert blocker.read_text() == "x"


# -- imports: all or nothing ----------------------------------------------------------------------------
def test_import_with_one_bad_row_in_the_middle_is_refused(tmp_path, db_copy):
    recs = records(1200)
    recs[600]["states"] = ["Atlantis"]
    bad = write_json(tmp_path / "bad.json", recs)
    before, before_bytes = table_contents(db_copy), file_hash(db_copy)
    result = cli(tmp_path, db_copy, "db", "import", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Zeile 601: states: unbekanntes Bundesland 'Atlantis'" in result.stderr
    assert "Nichts importiert: 1 Fehler in 1200 Zeilen" in result.stderr
    assert table_contents(db_copy) == before and file_hash(db_copy) == before_bytes


def test_import_refuses_control_and_bidi_characters(tmp_path, db_copy):
    recs = records(10)
    recs[3]["name"] = "Netzwerk\x00mit NUL"
    recs[7]["towns"] = ["Leip\u202ezig"]  # right-to-left override: would display as something else
    before = table_contents(db_copy)
    result = cli(tmp_path, db_copy, "db", "import", str(write_json(tmp_path / "ctl.json", recs)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Zeile 4: name: enthält ein Steuer- oder Richtungszeichen (U+0000)" in result.stderr
    assert "Zeile 8: towns: enthält ein Steuer- oder Richtungszeichen (U+202E)" in result.stderr
    assert table_contents(db_copy) == before


def test_csv_import_names_the_line_of_the_bad_row(tmp_path, db_copy):
    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "name", "states", "towns"])
        writer.writeheader()
        for i in range(50):
            writer.writerow({"id": f"csv-{i}", "name": f"CSV Netzwerk {i}", "states": "Sachsen",
                             "towns": "Leipzig" if i != 24 else "Leipzig | Halle"})
        writer.writerow({"id": "Kein Gültiger Id!", "name": "x", "states": "Sachsen", "towns": ""})
        for i in range(50, 60):
            writer.writerow({"id": f"csv-{i}", "name": f"CSV Netzwerk {i}", "states": "Sachsen", "towns": ""})
    before = table_contents(db_copy)
    result = cli(tmp_path, db_copy, "db", "import", str(path))
    assert result.returncode == 2
    assert "Zeile 52: id:" in result.stderr  # header is line 1, the bad row the 52nd line
    assert table_contents(db_copy) == before


def test_good_file_upserts_new_and_existing(tmp_path, db_copy, first_bundled_id):
    existing = bundled_record(first_bundled_id)
    existing["profile"] = "Aktualisiert durch den Import-Test."
    new = records(2, prefix="rel-upsert")
    good = write_json(tmp_path / "good.json", [existing, *new])
    result = cli(tmp_path, db_copy, "db", "import", str(good))
    assert result.returncode == 0, result.stderr
    assert "2 neu, 1 aktualisiert" in result.stdout
    conn = sqlite3.connect(db_copy)
    profile, origin = conn.execute("select profile, origin from networks where id = ?", [first_bundled_id]).fetchone()
    conn.close()
    assert profile == "Aktualisiert durch den Import-Test." and origin == "import"
    assert {"rel-upsert-00000", "rel-upsert-00001"} <= network_ids(db_copy)
    found = cli(tmp_path, db_copy, "ask", "Testnetzwerk rel-upsert Nummer 1")
    assert found.returncode == 0 and "rel-upsert" in found.stdout


def test_dry_run_writes_nothing(tmp_path, db_copy):
    good = write_json(tmp_path / "good.json", records(700))
    before, mtime = file_hash(db_copy), db_copy.stat().st_mtime_ns
    result = cli(tmp_path, db_copy, "db", "import", "--dry-run", str(good))
    assert result.returncode == 0 and "--dry-run, nichts geschrieben" in result.stdout
    assert "700 neu" in result.stdout
    assert file_hash(db_copy) == before and db_copy.stat().st_mtime_ns == mtime


def test_exception_between_batches_rolls_back_everything(tmp_path, db_copy, monkeypatch):
    recs = records(1300)
    path = write_json(tmp_path / "many.json", recs)
    before = table_contents(db_copy)
    calls = []

    def crash(start):
        calls.append(start)
        raise RuntimeError("simulated crash after the first batch")

    monkeypatch.setattr(importer, "_between_batches", crash)
    catalog = Catalog.load(DATA_DIR)
    with pytest.raises(RuntimeError, match="simulated crash"):
        importer.import_file(db_copy, path, catalog)
    assert calls == [0]  # the first batch of 500 was written inside the transaction, then the crash
    assert table_contents(db_copy) == before
    monkeypatch.setattr(importer, "_between_batches", None)
    result = importer.import_file(db_copy, path, catalog)
    assert result.ok and len(result.added) == 1300
    assert {r["id"] for r in recs} <= network_ids(db_copy, origin="import")


KILL_DRIVER = """
import sys, time
from pathlib import Path
import bot.importer as importer
from bot.cli import main

marker, pause_at = Path(sys.argv[1]), int(sys.argv[2])

def pause(start):
    if start >= pause_at:
        partial = marker.with_suffix(".tmp")
        partial.write_text(str(start + importer.BATCH))  # rows written inside the transaction so far
        partial.rename(marker)
        time.sleep(120)  # the test kills us here, inside the import transaction

importer._between_batches = pause
raise SystemExit(main(sys.argv[3:]))
"""


def _kill_report(db: Path) -> dict:
    journal = db.with_name(db.name + "-journal")
    return {"journal": journal.exists(), "journal_bytes": journal.stat().st_size if journal.exists() else 0}


def _after_kill(tmp_path: Path, db: Path, path: Path, before: dict, imported_ids: set[str]) -> None:
    # the first open by the product rolls the hot journal back; nothing of the killed import remains
    check = cli(tmp_path, db, "db", "check")
    assert check.returncode == 0 and "Traceback" not in check.stderr, check.stderr
    assert not db.with_name(db.name + "-journal").exists()
    assert table_contents(db) == before, "a killed import must leave every table exactly as before"
    rerun = cli(tmp_path, db, "db", "import", str(path))
    assert rerun.returncode == 0, rerun.stderr
    assert imported_ids <= network_ids(db, origin="import")


def _kill_paused_import(tmp_path, db_copy, path, rows: int):
    """``db import path`` in a driver that pauses after ``rows`` rows (inside the transaction), then
    SIGKILL; returns the marker file, which holds how many rows were written."""
    marker = tmp_path / "paused"
    proc = subprocess.Popen([sys.executable, "-c", KILL_DRIVER, str(marker), str(rows), "db", "import", str(path)],
                            cwd=tmp_path, env=cli_env(db_copy, tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the import never reached the pause"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return marker


def test_sigkill_inside_the_import_transaction_leaves_db_unchanged(tmp_path, db_copy):
    """Deterministic: a driver pauses the real import after 4 batches (2,000 rows written), then SIGKILL."""
    recs = records(3000, prefix="rel-kill", profile_words=400)  # ~9 MB of profiles: pages spill to the file
    path = write_json(tmp_path / "big.json", recs)
    before = table_contents(db_copy)
    before_bytes = file_hash(db_copy)
    marker = _kill_paused_import(tmp_path, db_copy, path, rows=1500)
    state = _kill_report(db_copy)
    assert state["journal"], "killed inside the transaction: a hot journal must be left behind"
    print(f"\nSIGKILL after {marker.read_text()} of {len(recs)} rows written in the transaction: "
          f"hot journal {state['journal_bytes']} bytes, "
          f"db file changed on disk before rollback: {file_hash(db_copy) != before_bytes}")
    _after_kill(tmp_path, db_copy, path, before, {r["id"] for r in recs})


def test_sigkill_of_the_plain_cli_import_at_a_random_moment(tmp_path, db_copy):
    """No hook at all: start ``netzwerkbot db import``, wait for its journal to appear, kill it -9."""
    recs = records(6000, prefix="rel-rawkill", profile_words=450)
    path = write_json(tmp_path / "huge.json", recs)
    before = table_contents(db_copy)
    journal = db_copy.with_name(db_copy.name + "-journal")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "db", "import", str(path)], cwd=tmp_path,
                            env=cli_env(db_copy, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not journal.exists():
        assert proc.poll() is None, f"the import finished before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    time.sleep(0.25)  # well inside the ~1 s transaction
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert journal.exists(), "the kill must land inside the transaction (journal still there)"
    _after_kill(tmp_path, db_copy, path, before, {r["id"] for r in recs})


def test_killed_import_then_rebuild_keeps_earlier_imports(tmp_path, db_copy):
    """After a kill, the next command may be ``db build``: earlier imports must survive it."""
    earlier = records(5, prefix="rel-earlier")
    assert cli(tmp_path, db_copy, "db", "import", str(write_json(tmp_path / "earlier.json", earlier))).returncode == 0
    recs = records(2000, prefix="rel-killed", profile_words=200)
    path = write_json(tmp_path / "big.json", recs)
    _kill_paused_import(tmp_path, db_copy, path, rows=500)
    assert _kill_report(db_copy)["journal"]
    build = cli(tmp_path, db_copy, "db", "build", "--force")
    assert build.returncode == 0, build.stderr
    imported = network_ids(db_copy, origin="import")
    assert {r["id"] for r in earlier} <= imported
    assert not imported & {r["id"] for r in recs}


# -- imports survive rebuilds -------------------------------------------------------------------------
def test_db_build_twice_keeps_imported_records(tmp_path, db_copy, first_bundled_id):
    existing = bundled_record(first_bundled_id)
    existing["profile"] = "Import überlebt den Neubau."
    new = records(3, prefix="rel-keep")
    assert cli(tmp_path, db_copy, "db", "import", str(write_json(tmp_path / "k.json", [existing, *new]))).returncode == 0
    imported_before = network_ids(db_copy, origin="import")
    for _ in range(2):
        result = cli(tmp_path, db_copy, "db", "build", "--force")
        assert result.returncode == 0, result.stderr
        assert "(4 importiert)" in result.stdout
    up_to_date = cli(tmp_path, db_copy, "db", "build")
    assert up_to_date.returncode == 0 and "aktuell" in up_to_date.stdout
    assert network_ids(db_copy, origin="import") == imported_before == {first_bundled_id} | {r["id"] for r in new}
    conn = sqlite3.connect(db_copy)
    assert conn.execute("select profile from networks where id = ?", [first_bundled_id]).fetchone()[0] \
        == "Import überlebt den Neubau."
    assert conn.execute("select count(*) from imports").fetchone()[0] == 4
    conn.close()


def test_automatic_rebuild_after_data_change_keeps_imports(tmp_path, built_db):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    db = tmp_path / "netzwerkbot.sqlite"
    shutil.copy(built_db, db)
    new = records(2, prefix="rel-auto")
    assert cli(tmp_path, db, "db", "import", str(write_json(tmp_path / "a.json", new)),
               NETZWERKBOT_DATA_DIR=data).returncode == 0
    with (data / "awards.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# geändert\n")  # sources changed -> the next start rebuilds
    result = cli(tmp_path, db, "ask", "Testnetzwerk rel-auto Nummer 1", NETZWERKBOT_DATA_DIR=data)
    assert result.returncode == 0, result.stderr
    assert {r["id"] for r in new} <= network_ids(db, origin="import")
