"""A user database as issue 13 agreed it (``bot/userdata.py`` is being written on another branch): a SQLite
file in WAL mode with ``meta(key TEXT PRIMARY KEY, value TEXT)`` holding ``kind = netzwerkbot-userdata`` and
``schema_version``. The ops tests (doctor, backup, restore) make one themselves with this helper, plus a
``notes`` table to write rows into under load.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

KIND = "netzwerkbot-userdata"

WRITER = r"""
import sqlite3, sys, time
# Inserts numbered rows, one transaction each, as fast as it can, until killed. Prints "ready" once.
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
conn.execute("pragma journal_mode = wal")
conn.execute("pragma wal_autocheckpoint = 0" if len(sys.argv) > 2 and sys.argv[2] == "no-checkpoint" else "select 1")
n = conn.execute("select coalesce(max(id), 0) from notes").fetchone()[0]
print("ready", flush=True)
while True:
    n += 1
    conn.execute("begin immediate")
    conn.execute("insert into notes (id, body) values (?, ?)", (n, "x" * 200))
    conn.execute("commit")
"""


def make_user_db(path: Path, rows: int = 10, kind: str | None = KIND, wal: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        if wal:
            conn.execute("pragma journal_mode = wal")
        conn.execute("create table meta (key text primary key, value text)")
        if kind:
            conn.executemany("insert into meta values (?, ?)", [("kind", kind), ("schema_version", "1")])
        conn.execute("create table notes (id integer primary key, body text)")
        conn.executemany("insert into notes values (?, ?)", [(i, f"Notiz {i}") for i in range(1, rows + 1)])
        conn.commit()
    finally:
        conn.close()
    return path


def note_ids(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("select id from notes order by id")]
    finally:
        conn.close()
