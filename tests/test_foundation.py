"""Foundation: the database built from data/ holds the researched facts; gazetteer; import; CLI."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.catalog import Catalog
from bot.importer import check_database, export_records, import_file
from bot.settings import PROJECT_ROOT, SettingsError, load_settings
from bot.store import Store

DATA_DIR = PROJECT_ROOT / "data"

RESEARCH = PROJECT_ROOT.parent / "shared" / "data" / "networks.yaml"


# The tests that compare the bundled data with the base research need it beside the checkout (../shared); a
# checkout without it (a clean CI clone elsewhere) skips them: the bundled data alone cannot be compared.
needs_research = pytest.mark.skipif(not RESEARCH.exists(), reason="the base research ../shared/data is not here")


def _research() -> dict:
    return yaml.safe_load(RESEARCH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store(built_db):
    s = Store(built_db, Catalog.load(DATA_DIR))
    yield s
    s.close()


def _research_changes() -> tuple[set[tuple[str, str]], set[str]]:
    """(network id, field) pairs that a file in data/research/ replaces (``set``), and the ids it changes."""
    replaced, changed = set(), set()
    for path in sorted((DATA_DIR / "research").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for corr in raw.get("corrections") or []:
            if "id" in corr:
                changed.add(corr["id"])
                replaced |= {(corr["id"], name) for name in corr.get("set") or {}}
        changed |= {f["network"] for f in raw.get("award_findings") or []}
    return replaced, changed


@needs_research
def test_every_researched_network_is_in_the_database_with_states_and_awards(store):
    research = _research()["networks"]
    assert len(research) == 142
    _replaced, changed = _research_changes()
    for rec in research:
        net = store.network(rec["id"])
        assert net is not None, rec["id"]
        assert net.states == rec["states"], rec["id"]
        # research files may add awards and sources (each change with its own sources), never drop them
        assert {(a["year"], a["award"]) for a in rec["awards"]} <= {(a["year"], a["award"]) for a in net.awards}
        assert net.sources[:len(rec["sources"])] == rec["sources"], rec["id"]
        if rec["id"] in changed:
            assert net.as_of > "2026-11-27", rec["id"]
        else:
            assert net.as_of == "2026-11-27", rec["id"]
            assert len(net.awards) == len(rec["awards"]), rec["id"]
        assert net.profile and len(net.profile) > 100
        assert net.seat, rec["id"]


def _new_networks_of_research_files() -> set[str]:
    """The ids of the new networks the files in data/research/ bring (beyond the base research)."""
    new = set()
    for path in sorted((DATA_DIR / "research").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        new |= {n["id"] for n in raw.get("networks") or []}
    return new


@needs_research
def test_bundled_data_keeps_every_sourced_field():
    research = {r["id"]: r for r in _research()["networks"]}
    ours = {r["id"]: r for r in yaml.safe_load((DATA_DIR / "networks.yaml").read_text(encoding="utf-8"))["networks"]}
    # every network of the base research, plus exactly the new networks of the research files (86 since 2026-12)
    new = _new_networks_of_research_files()
    assert new.isdisjoint(research) and ours.keys() == research.keys() | new
    replaced, _changed = _research_changes()
    for nid, rec in research.items():
        for key in ("name", "aliases", "states", "districts", "towns", "website", "office_contact", "topics",
                    "sectors", "awards", "sources", "unconfirmed", "status"):
            if (nid, key) in replaced:
                continue
            if isinstance(rec.get(key), list):  # corrections and seats may add items (with sources), keep the rest
                assert ours[nid].get(key)[:len(rec[key])] == rec[key], (nid, key)
            else:
                assert ours[nid].get(key) == rec.get(key), (nid, key)
        # organisation, status notes, addresses and textual founding notes were translated into German
        # where the research wrote them in English: present exactly where the research has them
        for key in ("organisation", "status_note", "address"):
            if (nid, key) not in replaced:  # a research file may set one (with its sources)
                assert bool(ours[nid].get(key)) == bool(rec.get(key)), (nid, key)
        if rec.get("address") and (nid, "address") not in replaced:  # street and postcode copied, remarks translated
            assert re.findall(r"\d{5}", ours[nid]["address"]) == re.findall(r"\d{5}", rec["address"]), nid
        if isinstance(rec.get("founded"), int):
            assert ours[nid].get("founded") == rec["founded"], nid


@pytest.mark.skipif(not RESEARCH.exists(), reason="the base research (../shared/data/networks.yaml) is not here")
def test_import_research_rebuilds_the_bundled_data_exactly():
    """data/networks.yaml and data/awards.yaml are what scripts/import_research.py makes of the research:
    a re-run changes nothing (a hand edit there would be lost; it belongs in data/research/)."""
    out = subprocess.run([sys.executable, "scripts/import_research.py", str(RESEARCH), "--check"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Warnung" not in out.stderr


def test_award_years_2012_to_2025_with_winner_counts(store):
    events = {(e["year"], e["award"]): e for e in store.award_events()}
    years = sorted({y for y, _ in events})
    assert years == [2012, 2013, 2014, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2024, 2025]
    assert events[(2013, "Innovatives Netzwerk")]["winners_total"] == 8
    assert len(events[(2013, "Innovatives Netzwerk")]["winner_ids"]) == 8
    assert events[(2019, "Innovatives Netzwerk")]["winners_total"] == 4
    assert events[(2019, "Innovatives Netzwerk")]["unidentified"] == 3
    assert events[(2019, "Innovatives Netzwerk")]["winner_ids"] == ["bang-ausbildungsnetzwerk-gewerbebereich"]
    assert len(events[(2017, "Innovative/r Netzwerkkoordinator/in")]["winner_ids"]) == 3


def test_counts_all_states_and_postcodes(store):
    counts = store.counts()
    assert counts["networks"] == 228
    assert counts["postcodes"] >= 8000
    per_state = store.counts_per_state()
    assert len(per_state) == 16 and all(per_state.values())
    assert per_state["Sachsen"] == 21  # 17 before the December 2026 research


@pytest.mark.parametrize("postcode, place, state", [
    ("04109", "Leipzig", "Sachsen"),
    ("37073", "Göttingen", "Niedersachsen"),
    ("16909", "Wittstock/Dosse", "Brandenburg"),
    ("23552", "Lübeck", "Schleswig-Holstein"),
    ("86150", "Augsburg", "Bayern"),
    ("06108", "Halle (Saale)", "Sachsen-Anhalt"),
])
def test_gazetteer_postcodes(brain, postcode, place, state):
    found = brain.gazetteer.place_by_postcode(brain.store, postcode)
    assert (found.name, found.state) == (place, state)


def test_gazetteer_districts_are_normalised(brain):
    names = {d.name for d in brain.gazetteer.districts.values()}
    assert {"Stadt Leipzig", "Stadt Jena", "Stadt Lübeck", "Stadt Augsburg", "Landkreis Augsburg",
            "Stadt Halle (Saale)", "Kreis Lippe", "Landkreis Göttingen", "Erzgebirgskreis", "Stadt Trier",
            "Landkreis Trier-Saarburg", "Stadt Cottbus", "Landkreis Leipzig", "Stadt Kassel", "Landkreis Kassel"} <= names
    assert sum(1 for n in names if n.startswith("Stadt ")) >= 100
    assert not any(n.startswith("Kreisfreie Stadt") or n.endswith(", Stadt") for n in names)


def test_every_network_has_a_seat_and_coordinates(store):
    counts = store.counts()
    assert counts["without_coordinates"] == 0
    depth = store.data_depth()
    assert depth["with_seat"] == depth["networks"]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"networks": records}, allow_unicode=True), encoding="utf-8")
    return path


def _dump(db: Path) -> list:
    with sqlite3.connect(db) as conn:
        return [conn.execute(f"select * from {t} order by 1").fetchall()
                for t in ("networks", "network_regions", "network_awards", "imports")]


GOOD = {"id": "test-netzwerk-jena", "name": "Testnetzwerk Jena", "states": ["Thüringen"], "towns": ["Jena"],
        "topics": ["Weiterbildung"], "website": "https://example.org/test", "sources": ["test"]}


def test_import_with_one_bad_row_in_the_middle_changes_nothing(db_copy, tmp_path):
    before = _dump(db_copy)
    rows = [dict(GOOD, id=f"test-{n}", name=f"Test {n}") for n in range(5)]
    rows[2] = dict(rows[2], states=["Atlantis"])
    result = import_file(db_copy, _write(tmp_path / "bad.yaml", rows), Catalog.load(DATA_DIR))
    assert not result.ok
    assert [p.row for p in result.problems] == [3]
    assert "Atlantis" in str(result.problems[0])
    assert _dump(db_copy) == before


def test_import_reports_every_kind_of_problem_with_row_numbers(db_copy, tmp_path):
    rows = [GOOD,
            dict(GOOD, id="x"),  # fine
            dict(GOOD, id="Bad Id!"),
            dict(GOOD, id="ok-2", name=""),
            dict(GOOD, id="ok-3", website="ftp:/nope"),
            dict(GOOD, id="ok-4", awards=[{"year": 1999, "award": "Innovatives Netzwerk"}]),
            dict(GOOD, id="x")]
    result = import_file(db_copy, _write(tmp_path / "many.yaml", rows), Catalog.load(DATA_DIR))
    by_row = {(p.row, p.field) for p in result.problems}
    assert {(3, "id"), (4, "name"), (5, "website"), (6, "awards"), (7, "id")} <= by_row


def test_import_upserts_and_dry_run_writes_nothing(db_copy, tmp_path):
    catalog = Catalog.load(DATA_DIR)
    updated = dict(GOOD, id="jenaer-allianz-fuer-fachkraefte", name="Jenaer Allianz für Fachkräfte")
    path = _write(tmp_path / "good.yaml", [GOOD, updated])
    before = _dump(db_copy)
    dry = import_file(db_copy, path, catalog, dry_run=True)
    assert dry.ok and dry.added == ["test-netzwerk-jena"] and dry.updated == ["jenaer-allianz-fuer-fachkraefte"]
    assert _dump(db_copy) == before
    result = import_file(db_copy, path, catalog)
    assert result.ok
    store = Store(db_copy, catalog)
    assert store.network("test-netzwerk-jena").towns == ["Jena"]
    assert store.network("test-netzwerk-jena").lat == pytest.approx(50.93, abs=0.1)
    assert store.network("jenaer-allianz-fuer-fachkraefte").topics == ["Weiterbildung"]
    assert "test-netzwerk-jena" in store.search_text(["Testnetzwerk"])
    assert store.counts()["networks"] == 229
    store.close()


def test_csv_and_json_imports_and_export_roundtrip(db_copy, tmp_path):
    catalog = Catalog.load(DATA_DIR)
    csv_text = export_records(db_copy, "csv")
    (tmp_path / "all.csv").write_text(csv_text, encoding="utf-8")
    result = import_file(db_copy, tmp_path / "all.csv", catalog, dry_run=True)
    assert result.ok, result.problems[:3]
    assert len(result.updated) == 228
    (tmp_path / "one.json").write_text(json.dumps([GOOD]), encoding="utf-8")
    assert import_file(db_copy, tmp_path / "one.json", catalog).added == ["test-netzwerk-jena"]


def test_check_finds_nothing_in_the_bundled_data(built_db):
    assert check_database(built_db) == []


def test_check_reports_an_imported_network_without_seat(db_copy, tmp_path):
    assert import_file(db_copy, _write(tmp_path / "x.yaml", [GOOD]), Catalog.load(DATA_DIR)).ok
    problems = check_database(db_copy)
    assert problems == ["Ohne Sitz (seat; Entfernungen behelfsweise: Ortsmitte des ersten Orts): test-netzwerk-jena"]


def test_a_town_is_placed_near_the_seat_not_at_a_namesake_far_away(db_copy, tmp_path):
    # "Amberg" is also a village in the Unterallgäu: taken for the city, the Amberg-Sulzbacher network
    # would be listed 15 km from Landsberg am Lech
    record = dict(GOOD, id="test-amberg", name="Testnetzwerk Amberg", states=["Bayern"],
                  districts=["Landkreis Amberg-Sulzbach"], towns=["Amberg"], seat="92224", seat_basis="district")
    assert import_file(db_copy, _write(tmp_path / "amberg.yaml", [record]), Catalog.load(DATA_DIR)).ok
    conn = sqlite3.connect(db_copy)
    (lat, lon), = conn.execute("select lat, lon from network_points where network_id = 'test-amberg' "
                               "and name = 'Amberg'").fetchall()
    conn.close()
    assert (round(lat, 1), round(lon, 1)) == (49.4, 11.9)
    assert check_database(db_copy) == []


def test_check_reports_a_town_far_from_the_seat(db_copy, tmp_path):
    record = dict(GOOD, id="test-weit", name="Testnetzwerk weit", states=["Thüringen", "Bayern"],
                  towns=["Jena", "Passau"], seat="07743", seat_basis="town")
    assert import_file(db_copy, _write(tmp_path / "far.yaml", [record]), Catalog.load(DATA_DIR)).ok
    problems = check_database(db_copy)
    assert len(problems) == 1 and problems[0].startswith("Ort 'Passau' liegt ")
    assert "test-weit" in problems[0]


def test_settings_errors_name_the_setting():
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        load_settings({"LOG_LEVEL": "LOUD"})
    with pytest.raises(SettingsError, match="NETZWERKBOT_ADMINS"):
        load_settings({"NETZWERKBOT_ADMINS": "12,abc"})
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings({"WEBHOOK_URL": "https://bot.example.org/hook"})
    settings = load_settings({"NETZWERKBOT_ADMINS": "1, 2", "TELEGRAM_BOT_TOKEN": "1:abc"})
    assert settings.admins == {1, 2} and settings.redact("x 1:abc y") == "x <TOKEN> y"


def _cli(*args, db: Path, **env) -> subprocess.CompletedProcess:
    import os

    environment = dict(os.environ, NETZWERKBOT_DB=str(db), **env)
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          env=environment, cwd=PROJECT_ROOT, timeout=120)


def test_cli_stats_and_auto_build(tmp_path):
    db = tmp_path / "fresh.sqlite"
    out = _cli("db", "stats", db=db)
    assert out.returncode == 0, out.stderr
    assert "Netzwerke: 228" in out.stdout
    assert "16 von 16" in out.stdout
    assert "Postleitzahlen: 8" in out.stdout
    assert "Mit Sitz: 228 von 228" in out.stdout and "Mit Anschrift oder Geschäftsstellen-Kontakt:" in out.stdout
    assert re.search(r"PLZ mit einem Netzwerk bis 25 km: \d+,\d %", out.stdout)


def test_cli_import_refuses_bad_file_with_row_number(db_copy, tmp_path):
    rows = [dict(GOOD, id="a-1"), dict(GOOD, id="a-2", founded=1700), dict(GOOD, id="a-3")]
    out = _cli("db", "import", str(_write(tmp_path / "x.yaml", rows)), db=db_copy)
    assert out.returncode == 2
    assert "Zeile 2: founded" in out.stderr and "Nichts importiert" in out.stderr
    assert "Traceback" not in out.stderr


def test_lists_of_an_open_store_survive_an_import_into_its_file(db_copy, tmp_path):
    # an import while the bot runs, before /reload: the state list is built after the list of all was
    store = Store.open(db_copy, DATA_DIR, auto_build=False)
    try:
        assert "test-netzwerk-jena" not in store.all_ids()
        assert import_file(db_copy, _write(tmp_path / "x.yaml", [GOOD]), Catalog.load(DATA_DIR)).ok
        in_state = store.ids_in_state("Thüringen")
        assert "test-netzwerk-jena" in in_state
        assert in_state == sorted(in_state, key=store.all_ids().index)  # still in the order of names
    finally:
        store.close()
