"""``netzwerkbot db backup`` and ``db restore``: copies of both databases taken while the bot runs,
and putting one back without ever leaving a half-written or foreign file in place.

Why the SQLite online backup API (``sqlite3.Connection.backup``) and not ``cp``: the user database
runs in WAL mode, so the latest commits may live only in the ``-wal`` file beside it, and a file
copy taken while the bot writes can be torn. The backup API copies one consistent snapshot – every
transaction committed before it started, nothing half-done. It runs in a single step, so a write
during the copy cannot make it start over (an incremental backup restarts on every write from
another connection and might never finish under load). Each copy is checked with
``integrity_check`` before it gets its final name, written with mode 0600 (the user database holds
what users told the bot), and only the newest ``keep`` copies of each database are kept.

Restore is the dangerous direction, so the candidate is copied (with any ``-wal``/``-journal``
beside it; the file itself is never opened or changed) into a temporary file next to the target and
checked there: an SQLite header, ``integrity_check``, and one of our two kinds (see
:func:`kind_of`). Only then is it fsynced and moved into place with ``os.replace``, so at every
moment the target is either the old or the new database. The replaced file is kept as
``<name>.before-restore``. A database that a running process holds open in WAL mode is refused:
that process's ``-wal`` would be replayed into the restored file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .build import StoreError

NETWORK, USERDATA = "network", "userdata"
LABELS = {NETWORK: "Netzwerk-Datenbank", USERDATA: "Nutzerdatenbank"}
USERDATA_KIND = "netzwerkbot-userdata"  # meta.kind of the user database (agreed convention, issue 13)
NETWORK_META_KEYS = frozenset({"schema_version", "source_fingerprint", "built_at", "data_as_of"})
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_KEEP = 7
SIDECARS = ("-wal", "-journal")  # what belongs to a database's content; "-shm" is rebuilt by SQLite
# netzwerkbot-<kind>-<UTC time to the millisecond>.sqlite: sorting the names (as ls does) sorts them by age
_BACKUP_NAME = re.compile(r"^netzwerkbot-(network|userdata)-(\d{8}T\d{6}\.\d{3}Z)\.sqlite$")


class BackupError(StoreError):
    """A backup or restore was refused or failed; the message says why and what to do."""


# -- recognising our files ---------------------------------------------------------------------------
def has_sqlite_header(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def kind_of(conn: sqlite3.Connection) -> str | None:
    """``network``, ``userdata`` or None (a foreign database).

    The network database has a ``meta`` table with its build keys and a ``networks`` table; the user
    database has ``meta.kind = 'netzwerkbot-userdata'``.
    """
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    if "meta" not in tables:
        return None
    try:
        meta = dict(conn.execute("select key, value from meta").fetchall())
    except sqlite3.DatabaseError:  # a "meta" table of some other program
        return None
    if meta.get("kind") == USERDATA_KIND:
        return USERDATA
    if NETWORK_META_KEYS <= meta.keys() and "networks" in tables:
        return NETWORK
    return None


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """None when ``pragma integrity_check`` says ok, else its first finding (one line)."""
    rows = conn.execute("pragma integrity_check(10)").fetchall()
    if rows == [("ok",)]:
        return None
    findings = [line.strip() for row in rows for line in str(row[0]).splitlines()
                if line.strip() and not line.startswith("***")]  # "*** in database main ***" heads a group
    more = len(findings) - 1
    return " ".join(findings[0].split())[:160] + (f" (und {more} weitere)" if more > 0 else "") if findings else "?"


def in_use(path: Path) -> bool:
    """Whether another process holds ``path`` open in WAL mode.

    Every SQLite connection to a WAL database keeps a shared lock on byte 128 of the ``-shm`` file
    (the "dead man switch") while it is open; an exclusive lock on it is refused then. POSIX locks
    of this process do not count, so this only sees *other* processes – the bot, not ourselves.
    """
    shm = Path(f"{path}-shm")
    try:
        import fcntl
    except ImportError:  # not POSIX: cannot tell
        return False
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:  # some file systems refuse fsync on a directory; the data itself is synced
        pass


def _remove(path: Path) -> None:
    for suffix in ("", *SIDECARS, "-shm"):
        try:
            Path(f"{path}{suffix}").unlink()
        except FileNotFoundError:
            pass


def _db_size(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


# -- backup ------------------------------------------------------------------------------------------
@dataclass
class BackupResult:
    kind: str
    source: Path
    target: Path | None = None  # None: nothing written (see ``note`` / ``error``)
    size_bytes: int = 0
    seconds: float = 0.0
    removed: list[Path] = field(default_factory=list)
    note: str | None = None  # not a failure (the user database does not exist yet)
    error: str | None = None


def backups_of(kind: str, directory: Path) -> list[Path]:
    """Backups of one kind in ``directory``, oldest first (by the time stamp in the name)."""
    found = []
    for path in directory.iterdir() if directory.is_dir() else ():
        match = _BACKUP_NAME.match(path.name)
        if match and match.group(1) == kind and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def _new_name(kind: str, directory: Path) -> Path:
    while True:
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
        path = directory / f"netzwerkbot-{kind}-{stamp}.sqlite"
        if not path.exists():
            return path
        time.sleep(0.001)


def backup_database(source: Path, kind: str, directory: Path, keep: int = DEFAULT_KEEP) -> BackupResult:
    """Copy ``source`` (a live database of ``kind``) into ``directory``; keep the newest ``keep``."""
    started = time.perf_counter()
    result = BackupResult(kind, source)
    label = LABELS[kind]
    if not source.is_file():
        if kind == USERDATA:
            result.note = f"{label} {source} existiert noch nicht (sie entsteht bei der ersten Nutzung) – nicht gesichert."
        else:
            result.error = f"{label} {source} fehlt – nichts zu sichern (netzwerkbot db build legt sie an)."
        return result
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        free = shutil.disk_usage(directory).free
        needed = int(_db_size(source) * 1.1) + (1 << 20)
        if free < needed:
            raise BackupError(f"zu wenig Platz in {directory}: {free / 1e6:.0f} MB frei, etwa {needed / 1e6:.0f} MB nötig")
        target = _new_name(kind, directory)
        partial = directory / f".{target.name}.partial-{os.getpid()}"
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # mode before any byte is in it
        try:
            _copy_live(source, partial, kind)
            _fsync(partial)
            os.replace(partial, target)
            _fsync_dir(directory)
        finally:
            _remove(partial)
    except BackupError as exc:
        result.error = f"{label} nicht gesichert: {exc}"
        return result
    except (OSError, sqlite3.Error) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        result.error = f"{label} nicht gesichert: {detail} ({source} → {directory})"
        return result
    result.target, result.size_bytes = target, target.stat().st_size
    old = backups_of(kind, directory)
    for path in old[:max(0, len(old) - keep)]:
        path.unlink(missing_ok=True)
        result.removed.append(path)
    result.seconds = time.perf_counter() - started
    return result


def _copy_live(source: Path, partial: Path, kind: str) -> None:
    """One consistent snapshot of ``source`` into ``partial``, checked, as a single self-contained file."""
    if not has_sqlite_header(source):
        raise BackupError(f"{source} ist keine SQLite-Datei")
    # mode=rw: never create a missing file; a WAL reader needs the -shm, and a hot journal is rolled back
    src = sqlite3.connect(f"file:{_uri_path(source)}?mode=rw", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: everything in one step, under one read snapshot
        dst.execute("pragma journal_mode = delete")  # the copy is one file, whatever the source's mode
        problem = integrity_problem(dst)
        if problem:
            raise BackupError(f"die Kopie besteht integrity_check nicht ({problem}); ist {source} beschädigt? "
                              f"netzwerkbot doctor prüft es")
        found = kind_of(dst)
        if found != kind:
            raise BackupError(f"{source} ist keine {LABELS[kind]} von netzwerkbot"
                              + (f" (sondern eine {LABELS[found]})" if found else ""))
    finally:
        dst.close()
        src.close()


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))


# -- restore -----------------------------------------------------------------------------------------
@dataclass
class RestoreResult:
    kind: str
    source: Path
    target: Path
    before: Path | None  # the replaced database, kept; None when there was none
    notes: list[str] = field(default_factory=list)


def restore_database(source: Path, network_db: Path, user_db: Path) -> RestoreResult:
    """Put the backup ``source`` in place of the database of its kind; refuse anything else."""
    if not source.is_file():
        raise BackupError(f"Datei nicht gefunden: {source}")
    if not has_sqlite_header(source):
        raise BackupError(f"{source} ist keine SQLite-Datenbank – nichts wiederhergestellt.")
    for target in (network_db, user_db):
        if target.exists() and source.resolve() == target.resolve():
            raise BackupError(f"{source} ist die aktive Datenbank selbst – nichts zu tun.")
    # Everything is checked on a private copy that already sits next to the target it will replace (so
    # the final step is a rename). The kind decides the target: the first copy goes beside the network
    # database, and a user database is copied again only when the two live in different directories.
    tmp = _checked_copy(source, network_db.parent)
    try:
        kind, notes = _inspect_copy(tmp, source)
        target = network_db if kind == NETWORK else user_db
        if tmp.parent != target.parent:
            _remove(tmp)
            tmp = _checked_copy(source, target.parent)
            kind, notes = _inspect_copy(tmp, source)
        if in_use(target):
            raise BackupError(f"{target} ist gerade geöffnet (läuft der Bot?). Erst den Bot stoppen "
                              f"(systemctl stop netzwerkbot), dann wiederholen – nichts wiederhergestellt.")
        _finish_copy(tmp, kind, target)
        before = _swap(tmp, target)
    finally:
        _remove(tmp)
    return RestoreResult(kind, source, target, before, notes)


def _checked_copy(source: Path, directory: Path) -> Path:
    """The file and its -wal/-journal, copied as they are into a temporary name in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".restore-{os.getpid()}-{source.name}"
    _remove(tmp)
    try:
        shutil.copyfile(source, tmp)
        for suffix in SIDECARS:
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{tmp}{suffix}")
    except OSError as exc:
        _remove(tmp)
        raise BackupError(f"Kann {source} nicht nach {directory} kopieren ({exc.strerror or exc}) – "
                          f"nichts wiederhergestellt.") from None
    return tmp


def _inspect_copy(tmp: Path, source: Path) -> tuple[str, list[str]]:
    """Kind of the copy, after integrity_check; notes for the operator (e.g. an older schema)."""
    refused = f"{source} wird nicht wiederhergestellt"
    try:
        conn = sqlite3.connect(tmp)
        try:
            problem = integrity_problem(conn)
            if problem:
                raise BackupError(f"{refused}: beschädigt (integrity_check: {problem}).")
            kind = kind_of(conn)
            if kind is None:
                raise BackupError(f"{refused}: keine netzwerkbot-Datenbank (weder Netzwerk- noch Nutzerdatenbank).")
            meta = dict(conn.execute("select key, value from meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{refused}: keine lesbare SQLite-Datenbank ({exc}).") from None
    notes = []
    if kind == NETWORK:
        from .build import SCHEMA_VERSION

        if meta.get("schema_version") != str(SCHEMA_VERSION):
            notes.append(f"Schema {meta.get('schema_version')} statt {SCHEMA_VERSION}: der Bot baut sie beim nächsten "
                         f"Öffnen aus data/ neu, importierte Datensätze bleiben erhalten.")
        notes.append(f"Gebaut {meta.get('built_at')}, Datenstand {meta.get('data_as_of')}.")
    return kind, notes


def _finish_copy(tmp: Path, kind: str, target: Path) -> None:
    """Settle the copy into one file in the target's journal mode, owned like the target; fsync it."""
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("pragma journal_mode = delete")  # folds a copied -wal in, rolls a copied journal back
        if kind == USERDATA:
            conn.execute("pragma journal_mode = wal")  # the user database runs in WAL mode (issue 13)
    finally:
        conn.close()
    for suffix in (*SIDECARS, "-shm"):
        if Path(f"{tmp}{suffix}").exists():
            raise BackupError(f"Kopie {tmp} ließ sich nicht abschließen ({suffix} blieb) – nichts wiederhergestellt.")
    reference = target if target.exists() else target.parent
    try:
        st = reference.stat()
        os.chmod(tmp, (st.st_mode & 0o666) if target.exists() else 0o600)
        if os.geteuid() == 0:  # restored by root: the bot's user must still own (and write) it
            os.chown(tmp, st.st_uid, st.st_gid)
    except (OSError, AttributeError):
        pass
    _fsync(tmp)


def _swap(tmp: Path, target: Path) -> Path | None:
    """Keep the old database as ``*.before-restore`` (an older one of those gets a time stamp), then
    ``os.replace`` the copy onto the target."""
    before = None
    if target.exists():
        _settle(target)
        before = Path(f"{target}.before-restore")
        if before.exists():
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(before.stat().st_mtime))
            for suffix in ("", *SIDECARS):
                if Path(f"{before}{suffix}").exists():
                    os.replace(f"{before}{suffix}", f"{before}-{stamp}{suffix}")
        link = Path(f"{before}.tmp-{os.getpid()}")
        link.unlink(missing_ok=True)
        try:
            os.link(target, link)  # the old file stays where it is until the very replace
        except OSError:
            shutil.copy2(target, link)
        os.replace(link, before)
        for suffix in SIDECARS:  # left only if the old file could not be opened: they belong to it
            if Path(f"{target}{suffix}").exists():
                os.replace(f"{target}{suffix}", f"{before}{suffix}")
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return before


def _settle(target: Path) -> None:
    """Fold a left-over ``-wal`` into the old file and roll back a hot journal, so no side file of the
    old database is left to be replayed into the new one (done by opening it once, as SQLite would)."""
    if not any(Path(f"{target}{s}").exists() for s in (*SIDECARS, "-shm")):
        return
    try:
        conn = sqlite3.connect(f"file:{_uri_path(target)}?mode=rw", uri=True, timeout=5)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
            if conn.execute("pragma journal_mode").fetchone()[0] == "wal":
                conn.execute("pragma wal_checkpoint(truncate)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # a damaged old file: its side files move with it (see _swap)
