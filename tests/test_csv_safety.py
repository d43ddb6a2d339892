"""CSV export is safe to open in a spreadsheet, and a CSV round trip still gives back every text exactly.

A cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return is run as a formula by
Excel and LibreOffice (OWASP "CSV Injection"); the export prefixes it with ``'`` and the import
removes exactly that prefix. JSON and YAML exports are unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import yaml
from hypothesis import given, settings as hsettings, strategies as st

from bot.catalog import Catalog
from bot.importer import export_records, import_file
from bot.records import FORMULA_TRIGGERS, csv_cell, csv_cell_value
from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
EVIL = '=HYPERLINK("http://evil","x")'
RECORD = {"id": "csv-formel-test", "name": EVIL, "states": ["Thüringen"], "towns": ["Jena"],
          "aliases": ["@SUM(A1:A9)", "-2+3", "'=schon mit Apostroph", "Normal"],
          "office_contact": "+49 3641 123456", "address": "-", "organisation": "'Apostroph am Anfang",
          "profile": "+ Plus am Anfang,\r\n- Minus nach einem Zeilenende\rund ein\nZeilenumbruch", "sources": ["=cmd /C calc!A0", "test"]}


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _network(db, network_id: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("select * from networks where id = ?", [network_id]).fetchone())
    finally:
        conn.close()


def test_formula_cells_are_neutralised_and_round_trip(db_copy, tmp_path):
    catalog = Catalog.load(DATA_DIR)
    (tmp_path / "evil.json").write_text(json.dumps([RECORD], ensure_ascii=False), encoding="utf-8")
    assert import_file(db_copy, tmp_path / "evil.json", catalog).added == ["csv-formel-test"]
    before = _network(db_copy, "csv-formel-test")

    exported = export_records(db_copy, "csv")
    row = next(r for r in _rows(exported) if r["id"] == "csv-formel-test")
    assert row["name"] == "'" + EVIL  # a spreadsheet shows it as text
    assert row["office_contact"] == "'+49 3641 123456"
    assert row["address"] == "'-"
    assert row["aliases"].startswith("'@SUM(A1:A9)")
    assert row["sources"].startswith("'=cmd")
    assert row["organisation"] == "'Apostroph am Anfang"  # no trigger after it: left alone
    for r in _rows(exported):  # no cell of the whole export starts a formula
        for value in r.values():
            assert not value.startswith(FORMULA_TRIGGERS), (r["id"], value)

    # Re-import the export: every text comes back exactly, the phone number included.
    (tmp_path / "all.csv").write_text(exported, encoding="utf-8")
    result = import_file(db_copy, tmp_path / "all.csv", catalog)
    assert result.ok, result.problems[:3]
    after = _network(db_copy, "csv-formel-test")
    assert after["name"] == EVIL
    assert after["office_contact"] == "+49 3641 123456"
    assert after["address"] == "-"
    assert after["profile"] == RECORD["profile"]  # line ends inside a field stay exactly as they were
    assert json.loads(after["aliases"]) == ["@SUM(A1:A9)", "-2+3", "'=schon mit Apostroph", "Normal"]
    assert json.loads(after["sources"]) == ["=cmd /C calc!A0", "test"]
    for field in ("name", "aliases", "organisation", "office_contact", "address", "profile", "sources", "states"):
        assert after[field] == before[field], field


def test_json_and_yaml_exports_are_unchanged(db_copy, tmp_path):
    (tmp_path / "evil.json").write_text(json.dumps([RECORD], ensure_ascii=False), encoding="utf-8")
    import_file(db_copy, tmp_path / "evil.json", Catalog.load(DATA_DIR))
    records = {r["id"]: r for r in json.loads(export_records(db_copy, "json"))}
    assert records["csv-formel-test"]["name"] == EVIL
    assert records["csv-formel-test"]["office_contact"] == "+49 3641 123456"
    from_yaml = {r["id"]: r for r in yaml.safe_load(export_records(db_copy, "yaml"))["networks"]}
    assert from_yaml["csv-formel-test"]["name"] == EVIL
    assert from_yaml["csv-formel-test"]["office_contact"] == "+49 3641 123456"


def test_the_whole_bundled_export_round_trips_through_csv(db_copy, tmp_path):
    """Every bundled record survives export → import as before the fix.

    Two limits of the CSV format itself (older than the fix, kept): award notes are not written, and a
    list item containing `` | `` – the list separator – comes back as two items. The expected records
    model exactly those two, so any other loss fails here.
    """
    catalog = Catalog.load(DATA_DIR)
    before = json.loads(export_records(db_copy, "json"))
    (tmp_path / "all.csv").write_text(export_records(db_copy, "csv"), encoding="utf-8")
    assert import_file(db_copy, tmp_path / "all.csv", catalog).ok
    after = json.loads(export_records(db_copy, "json"))

    def through_csv(rec: dict) -> dict:
        rec = {k: v for k, v in rec.items() if k != "as_of"}
        for key, value in rec.items():
            if key == "awards":
                rec[key] = [{"year": a["year"], "award": a["award"]} for a in value]
            elif isinstance(value, list):
                rec[key] = [part.strip() for item in value for part in item.split("|") if part.strip()]
        return rec

    assert [through_csv(r) for r in after] == [through_csv(r) for r in before]


@hsettings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\r a1\"|,;") | st.characters(), max_size=12))
def test_property_cell_round_trip_and_no_live_formula(text):
    cell = csv_cell(text)
    assert csv_cell_value(cell) == text
    assert not cell.startswith(FORMULA_TRIGGERS)
    # through the csv module, as export and import do it
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([cell])
    assert csv_cell_value(next(csv.reader(io.StringIO(out.getvalue(), newline=""), strict=True))[0]) == text
