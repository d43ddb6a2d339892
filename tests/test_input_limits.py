"""Very long messages are cut before matching (and the reply says so); user text never reaches SQL.

* the understanding reads only the first 300 characters, says so in the first paragraph, and a
  word beyond the cut is not matched; anything beyond 4096 characters is dropped before Unicode
  normalisation (which is quadratic on combining marks);
* quotes, FTS5 operators and SQL through ``Store.search_text`` and ``brain.ask``: the MATCH
  expression is only ever quoted ``[a-z0-9]`` prefix terms, SQLite's authorizer sees nothing but
  reads, and a hash of the database content and of the file bytes is unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time

import pytest

from bot.brain import Brain
from bot.render import to_telegram, to_text
from bot.settings import PROJECT_ROOT
from bot.textnorm import MAX_INPUT
from bot.understanding import MAX_CHARS

DATA_DIR = PROJECT_ROOT / "data"
LONG_NOTE = f"nur die ersten {MAX_CHARS} Zeichen gelesen"

INJECTIONS = [
    "'", "''", "\"", "\"\"", "'; DROP TABLE networks; --", "\" OR \"\"=\"", "' OR '1'='1", "1; DELETE FROM imports",
    "*", "jena*", "*jena", "NEAR(jena leipzig)", "NEAR(jena leipzig, 2)", "jena AND leipzig", "jena OR leipzig",
    "jena NOT leipzig", "-jena", "^jena", "name:jena", "{name profile}:jena", "networks_fts:jena", "(jena",
    "jena)", "\"jena", "jena\"*", "rank:1", "pflege\" OR \"1", "x'); ATTACH DATABASE '/tmp/evil.db' AS e; --",
    "pragma query_only=0", "/*", "*/", "%", "_", "\\", "\x00jena", "jena\x00'", "ä'ö\"ü*", "∗ ＊ ＂ ＇",
]


def content_hash(db_path) -> str:
    """SHA-256 over every row of every table (schema included), independent of page layout."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def file_hash(db_path) -> str:
    return hashlib.sha256(db_path.read_bytes()).hexdigest()


# -- long messages ----------------------------------------------------------------------------------
def test_long_message_is_cut_and_the_reply_says_so(brain):
    text = "Welche Netzwerke gibt es in Sachsen? " + "bla " * 2000
    answer = brain.ask(text)
    assert LONG_NOTE in answer.paragraphs[0][0].text
    assert answer.intent == "region" and answer.region.name == "Sachsen"
    first = to_telegram(answer)[0].html
    assert first.startswith("<i>Ihre Nachricht war sehr lang") and LONG_NOTE in first.split("\n\n")[0]


def test_words_beyond_the_cut_are_not_matched(brain):
    filler = "bla " * 80  # 320 characters
    assert brain.ask(filler + "Sachsen").region is None
    assert LONG_NOTE in to_text(brain.ask(filler + "Sachsen"))
    near_the_end = ("bla " * 73)[:MAX_CHARS - len("Sachsen") - 1] + " Sachsen"
    assert len(near_the_end) == MAX_CHARS
    answer = brain.ask(near_the_end)
    assert answer.region is not None and answer.region.name == "Sachsen"
    assert LONG_NOTE not in to_text(answer)


def test_cut_is_counted_after_whitespace_and_control_characters_are_cleaned(brain):
    text = "Sachsen" + " \x00 \u202e " * 500  # 3000 raw characters, "Sachsen" once cleaned
    answer = brain.ask(text)
    assert answer.region is not None and answer.region.name == "Sachsen"
    assert LONG_NOTE not in to_text(answer)


@pytest.mark.parametrize("size", [MAX_INPUT + 1, 100_000, 1_000_000])
def test_enormous_inputs_answer_quickly(brain, size):
    for text in ("Sachsen " + "x" * size, "a" + "\u0301" * size, "😀" * size, "9" * size):
        started = time.perf_counter()
        answer = brain.ask(text)
        assert time.perf_counter() - started < 1.0, (size, text[:10])
        assert LONG_NOTE in to_text(answer)


# -- SQL and FTS ----------------------------------------------------------------------------------------
FTS_SQL = ("select n.id from networks_fts f join networks n on n.rowid = f.rowid "
           "where networks_fts match ? order by rank limit ?")


class RecordingConnection:
    """Stands in for ``Store.conn`` and records every (sql, params) sent through it."""

    def __init__(self, conn):
        self._conn, self.calls = conn, []

    def execute(self, sql, params=()):
        self.calls.append((sql, list(params)))
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.mark.parametrize("word", INJECTIONS, ids=range(len(INJECTIONS)))
def test_search_text_only_sends_quoted_alphanumeric_terms(brain, monkeypatch, word):
    recorder = RecordingConnection(brain.store.conn)
    monkeypatch.setattr(brain.store, "conn", recorder)
    ids = brain.store.search_text([word, "Jena", word])
    assert isinstance(ids, list)
    statements = {sql for sql, _ in recorder.calls}
    assert statements <= {FTS_SQL}  # the statement text is fixed; the input only ever is a bound parameter
    for sql, params in recorder.calls:
        match = params[0]
        term = r'\("[a-z0-9]+"\*( OR "[a-z0-9]+"\*)?\)'  # each word in its "ae" and its "a" spelling
        assert re.fullmatch(rf'{term}( AND {term}){{0,7}}', match), match


def test_fts_operators_are_words_not_operators(brain):
    jena = set(brain.store.search_text(["Jena"]))
    assert jena
    assert set(brain.store.search_text(["\"Jena\""])) == jena  # quotes are stripped, not interpreted
    assert set(brain.store.search_text(["Jena*"])) == jena
    # "OR" would widen the result as an operator; as a word it can only narrow it
    assert set(brain.store.search_text(["Jena", "OR", "Leipzig"])) <= jena
    assert brain.store.search_text(["*"]) == brain.store.search_text(["\""]) == brain.store.search_text(["-"]) == []


def test_nasty_input_changes_nothing_in_the_database(db_copy):
    before_content, before_file = content_hash(db_copy), file_hash(db_copy)
    mtime = db_copy.stat().st_mtime_ns
    brain = Brain(db_copy, DATA_DIR, auto_build=False)
    denied = []

    def authorizer(action, arg1, arg2, dbname, source):
        # reads, the SAVEPOINT/RELEASE sqlite-utils wraps around every query, and the read-only
        # "pragma data_version" FTS5 uses to see whether its cached structure is current
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE,
                      sqlite3.SQLITE_SAVEPOINT) or (action == sqlite3.SQLITE_PRAGMA and arg1 == "data_version"):
            return sqlite3.SQLITE_OK
        denied.append((action, arg1, arg2))
        return sqlite3.SQLITE_DENY

    # connect the FTS5 table first: its constructor declares the table's schema (an "update" of
    # sqlite_master in the authorizer's terms, though nothing is written) once per connection
    brain.store.search_text(["jena"])
    brain.store.conn.set_authorizer(authorizer)
    asked = 0
    for word in INJECTIONS:
        for text in (word, f"Netzwerke in Jena {word}", f"/kontakt {word}", f"/region {word}", f"Pflege {word} Sachsen",
                     f"/start net_{word}", f"{word} Preisträger 2013"):
            to_telegram(brain.ask(text))
            asked += 1
        brain.store.search_text([word])
        brain.act(f"p:{word}")
    assert denied == [], f"statements other than reads were attempted: {denied[:5]}"
    with pytest.raises(sqlite3.DatabaseError):  # the authorizer is live: a write is seen and refused
        brain.store.conn.execute("delete from networks where id = ?", ["x"])
    assert denied and denied[0][0] == sqlite3.SQLITE_DELETE
    brain.store.conn.set_authorizer(None)
    brain.store.close()
    assert asked == 7 * len(INJECTIONS)
    assert content_hash(db_copy) == before_content
    assert file_hash(db_copy) == before_file and db_copy.stat().st_mtime_ns == mtime


def test_store_connection_is_query_only(brain):
    with pytest.raises(sqlite3.OperationalError):
        brain.store.conn.execute("delete from networks")
