"""scripts/import_research.py: merging the base research with translations, profiles, seats and research files."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"

_spec = importlib.util.spec_from_file_location("import_research", PROJECT_ROOT / "scripts" / "import_research.py")
ir = importlib.util.module_from_spec(_spec)
sys.modules["import_research"] = ir  # dataclasses look their module up
_spec.loader.exec_module(ir)

BASE = {
    "networks": [
        {"id": "netz-jena", "name": "Netz Jena", "aliases": [], "kind": "network", "status_note": "active (2024)",
         "states": ["Thüringen"], "districts": [], "towns": ["Jena"], "organisation": "City of Jena",
         "topics": ["Weiterbildung"], "sectors": [], "facts": ["Founded 2010."], "awards": [],
         "sources": ["https://example.org/jena"], "unconfirmed": []},
        {"id": "netz-halle", "name": "Netz Halle", "aliases": [], "kind": "alliance", "states": ["Sachsen-Anhalt"],
         "districts": ["Stadt Halle (Saale)"], "towns": [], "topics": [], "sectors": [], "facts": [],
         "awards": [{"year": 2013, "award": "Innovatives Netzwerk"}], "sources": ["https://example.org/halle"],
         "unconfirmed": []},
    ],
    "awards": [
        {"year": 2013, "award": "Innovatives Netzwerk", "event": "2. Innovationstag", "presented_by": "Minister X",
         "winners_total": 2, "sources": ["https://example.org/2013"]},
        {"year": 2019, "award": "Innovatives Netzwerk", "event": "7. Innovationstag", "winners_total": 4,
         "sources": ["https://example.org/2019"]},
    ],
}

NEW = {"id": "netz-gera", "name": "Netz Gera", "kind": "network", "states": ["Thüringen"], "towns": ["Gera"],
       "seat": "07545", "organisation": "Stadt Gera", "profile": "Das Netz Gera bündelt …", "topics": [],
       "sources": ["https://example.org/gera"], "as_of": "2026-12-04"}


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def inputs(tmp_path):
    base = _write(tmp_path / "base.yaml", BASE)
    research = tmp_path / "research"
    research.mkdir()
    _write(research / "translations_de.yaml", {"translations": {
        "networks": {"netz-jena": {"organisation": {"en": "City of Jena", "de": "Stadt Jena"},
                                   "status_note": {"en": "active (2024)", "de": "aktiv (2024)"}}},
        "awards": {"2013 Innovatives Netzwerk": {"presented_by": {"en": "Minister X", "de": "Ministerin X"}}}}})
    _write(research / "profiles_de.yaml", {"profiles": {"netz-jena": "Das Netz Jena …", "netz-halle": "Das Netz …"}})
    _write(research / "seats.yaml", {"seats": [
        {"id": "netz-jena", "seat": "07743", "seat_basis": "town"},
        {"id": "netz-halle", "seat": "06108", "seat_basis": "district", "scope": "state",
         "caveat": "Sitz nicht belegt.", "add_sources": ["https://example.org/sitz"]}]})
    _write(research / "base-notes-2026-11-27.yaml", {"as_of": "2026-11-27", "corrections": [
        {"event": {"year": 2019, "award": "Innovatives Netzwerk"}, "set": {"unidentified": 4}, "note": "notes"},
        {"event": {"year": 2013, "award": "Innovatives Netzwerk"}, "set": {"unidentified": 1}, "note": "notes"}]})
    return base, research


def _run(inputs):
    base, research = inputs
    return ir.convert(base, research, DATA_DIR)


def _by_id(result):
    return {n["id"]: n for n in result.networks}


def test_base_translations_profiles_and_seats(inputs):
    result = _run(inputs)
    nets = _by_id(result)
    jena, halle = nets["netz-jena"], nets["netz-halle"]
    assert jena["organisation"] == "Stadt Jena" and jena["status_note"] == "aktiv (2024)"
    assert jena["profile"] == "Das Netz Jena …" and jena["as_of"] == ir.AS_OF
    assert (jena["seat"], jena["seat_basis"]) == ("07743", "town")
    assert halle["scope"] == "state" and halle["unconfirmed"] == ["Sitz nicht belegt."]
    assert halle["sources"] == ["https://example.org/halle", "https://example.org/sitz"]
    events = {(e["year"], e["award"]): e for e in result.awards}
    assert events[(2013, "Innovatives Netzwerk")]["presented_by"] == "Ministerin X"
    assert events[(2019, "Innovatives Netzwerk")]["unidentified"] == 4
    assert list(jena)[:12] == ["id", "name", "aliases", "kind", "status_note", "states", "districts", "towns", "seat",
                               "seat_basis", "organisation", "topics"]
    assert result.warnings == []


def test_a_changed_research_text_is_used_and_warned_about(inputs, tmp_path):
    base, research = inputs
    changed = yaml.safe_load(base.read_text(encoding="utf-8"))
    changed["networks"][0]["organisation"] = "City of Jena (Economic Development)"
    _write(base, changed)
    result = _run(inputs)
    assert _by_id(result)["netz-jena"]["organisation"] == "City of Jena (Economic Development)"
    assert any("netz-jena" in w and "organisation" in w for w in result.warnings)


def test_research_file_adds_networks_corrections_and_award_findings(inputs):
    base, research = inputs
    _write(research / "research-2026-12-04.yaml", {
        "networks": [NEW],
        "rejected": [{"name": "Netz Nirgendwo", "reason": "keine Quelle"}, {"name": "Y", "reason": "Dublette"}],
        "corrections": [
            {"id": "netz-jena", "set": {"website": "https://example.org/neu"},
             "add": {"towns": ["Apolda", "Jena"], "topics": ["Berufsorientierung"]},
             "sources": ["https://example.org/korrektur", "https://example.org/jena"]},
            {"event": {"year": 2013, "award": "Innovatives Netzwerk"}, "set": {"place": "Berlin"},
             "sources": ["https://example.org/ort"]},
        ],
        "award_findings": [{"year": 2019, "award": "Innovatives Netzwerk", "network": "netz-gera",
                            "sources": ["https://example.org/preis"], "note": "Projekt X"}],
    })
    result = _run(inputs)
    nets = _by_id(result)
    jena, gera = nets["netz-jena"], nets["netz-gera"]
    assert jena["website"] == "https://example.org/neu"
    assert jena["towns"] == ["Jena", "Apolda"]  # appended without duplicates
    assert jena["topics"] == ["Weiterbildung", "Berufsorientierung"]
    assert jena["sources"] == ["https://example.org/jena", "https://example.org/korrektur"]
    assert jena["as_of"] == "2026-12-04"  # the file's date (from its name)
    assert gera["seat"] == "07545" and gera["awards"] == [{"year": 2019, "award": "Innovatives Netzwerk",
                                                          "note": "Projekt X"}]
    assert "https://example.org/preis" in gera["sources"]
    events = {(e["year"], e["award"]): e for e in result.awards}
    assert events[(2019, "Innovatives Netzwerk")]["unidentified"] == 3
    assert "https://example.org/preis" in events[(2019, "Innovatives Netzwerk")]["sources"]
    assert events[(2019, "Innovatives Netzwerk")]["as_of"] == "2026-12-04"
    assert events[(2013, "Innovatives Netzwerk")]["place"] == "Berlin"
    assert result.rejected == 2 and result.new == ["netz-gera"] and result.findings == 1
    # running twice on the same inputs gives the same files
    assert ir.render(result) == ir.render(_run(inputs))


def test_findings_of_a_later_file_apply_after_the_counts_of_an_earlier_one(inputs):
    """Files are applied in date order, not name order: 'audit-…' sorts before 'base-notes-…'."""
    base, research = inputs
    _write(research / "audit-2026-12.yaml", {"as_of": "2026-12-04", "award_findings": [
        {"year": 2019, "award": "Innovatives Netzwerk", "network": "netz-jena", "sources": ["https://example.org/a"]}]})
    events = {(e["year"], e["award"]): e for e in _run(inputs).awards}
    assert events[(2019, "Innovatives Netzwerk")]["unidentified"] == 3


@pytest.mark.parametrize("content, message", [
    ({"networks": [dict(NEW, seat="99999")]}, "netz-gera: seat: Postleitzahl 99999"),
    ({"networks": [dict(NEW, states=["Atlantis"])]}, "netz-gera: states: unbekanntes Bundesland"),
    ({"networks": [dict(NEW, id="netz-jena")]}, "netz-jena: gibt es schon"),
    ({"corrections": [{"id": "netz-nirgends", "set": {"name": "x"}, "sources": ["s"]}]}, "unbekanntes Netzwerk"),
    ({"corrections": [{"id": "netz-jena", "set": {"website": "kein-link"}, "sources": ["s"]}]},
     "netz-jena: website"),
    ({"corrections": [{"id": "netz-jena", "set": {"colour": "blau"}, "sources": ["s"]}]}, "kein änderbares Feld"),
    ({"corrections": [{"id": "netz-jena", "add": {"name": ["x"]}, "sources": ["s"]}]}, "kein Listenfeld"),
    ({"corrections": [{"id": "netz-jena", "set": {"website": "https://example.org/x"}}]}, "braucht sources"),
    ({"award_findings": [{"year": 2013, "award": "Innovatives Netzwerk", "network": "netz-jena",
                          "sources": ["s"]}, {"year": 2013, "award": "Innovatives Netzwerk", "network": "netz-gera",
                                              "sources": ["s"]}]}, "kein Preisträger mehr unbekannt"),
    ({"award_findings": [{"year": 2015, "award": "Innovatives Netzwerk", "network": "netz-jena",
                          "sources": ["s"]}]}, "kein Preisereignis 2015"),
    ({"surprise": []}, "unbekannte Abschnitte"),
])
def test_a_bad_research_file_stops_the_run_naming_file_and_record(inputs, content, message):
    base, research = inputs
    content = dict(content)
    content.setdefault("networks", [NEW] if "netz-gera" in str(content) and "networks" not in content else [])
    _write(research / "bad-2026-12-04.yaml", content)
    with pytest.raises(ir.ResearchError) as info:
        _run(inputs)
    assert str(info.value).startswith("bad-2026-12-04.yaml") and message in str(info.value)


def test_corrections_need_a_date(inputs):
    base, research = inputs
    _write(research / "undated.yaml", {"corrections": [{"id": "netz-jena", "set": {"kind": "alliance"},
                                                        "sources": ["s"]}]})
    with pytest.raises(ir.ResearchError, match="undated.yaml: Korrekturen brauchen ein Datum"):
        _run(inputs)


def test_check_mode_and_main_write_nothing_on_error(inputs, tmp_path, capsys):
    base, research = inputs
    data = tmp_path / "data"
    data.mkdir()
    for name in ("states.yaml", "topics.yaml"):
        (data / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (data / "gazetteer").mkdir()
    (data / "gazetteer" / "postcodes_de.tsv").write_text(
        (DATA_DIR / "gazetteer" / "postcodes_de.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    research.rename(data / "research")
    assert ir.main([str(base), "--data", str(data), "--check"]) == 1  # nothing written yet
    assert ir.main([str(base), "--data", str(data)]) == 0
    assert ir.main([str(base), "--data", str(data), "--check"]) == 0
    written = yaml.safe_load((data / "networks.yaml").read_text(encoding="utf-8"))["networks"]
    assert [n["id"] for n in written] == ["netz-jena", "netz-halle"]
    _write(data / "research" / "bad-2026-12-04.yaml", {"networks": [dict(NEW, seat=7545)]})
    before = (data / "networks.yaml").read_text(encoding="utf-8")
    assert ir.main([str(base), "--data", str(data)]) == 2
    assert "bad-2026-12-04.yaml: netz-gera: seat:" in capsys.readouterr().err
    assert (data / "networks.yaml").read_text(encoding="utf-8") == before


def test_a_corrected_seat_drops_the_old_basis(inputs):
    base, research = inputs
    _write(research / "seat-2026-12-05.yaml", {"note": "Büroanschriften", "corrections": [
        {"id": "netz-jena", "set": {"seat": "07745", "address": "Beispielweg 1, 07745 Jena"},
         "sources": ["https://example.org/impressum"]},
        {"id": "netz-halle", "set": {"seat": "06110"}, "sources": ["https://example.org/halle-impressum"]}]})
    nets = _by_id(_run(inputs))
    assert (nets["netz-jena"]["seat"], nets["netz-jena"]["seat_basis"]) == ("07745", "address")
    assert nets["netz-halle"]["seat"] == "06110" and "seat_basis" not in nets["netz-halle"]


def test_a_finding_for_an_award_a_correction_added_still_counts_once(inputs):
    base, research = inputs
    _write(research / "south.yaml", {
        "networks": [NEW],  # undated file: its networks' as_of dates it
        "corrections": [{"id": "netz-jena", "add": {"awards": [{"year": 2019, "award": "Innovatives Netzwerk"}]},
                         "sources": ["https://example.org/preis"]}],
        "award_findings": [{"year": 2019, "award": "Innovatives Netzwerk", "network": "netz-jena",
                            "sources": ["https://example.org/preis"]},
                           {"year": 2013, "award": "Innovatives Netzwerk", "network": "netz-halle",
                            "sources": ["https://example.org/x"]}]})
    result = _run(inputs)
    jena = _by_id(result)["netz-jena"]
    assert [a["year"] for a in jena["awards"]] == [2019] and jena["as_of"] == "2026-12-04"
    events = {(e["year"], e["award"]): e for e in result.awards}
    assert events[(2019, "Innovatives Netzwerk")]["unidentified"] == 3
    assert events[(2013, "Innovatives Netzwerk")]["unidentified"] == 1  # Halle's 2013 award is in the base
    assert any("schon in der Basisrecherche" in w for w in result.warnings)
