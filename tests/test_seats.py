"""Seats: every network has one, it is validated, it places the network for distances and on the map."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from bot.catalog import Catalog
from bot.records import parse_seat, validate_record
from bot.render import to_json, to_text
from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def vocab():
    return Catalog.load(DATA_DIR).vocabulary()


BASE = {"id": "x-netz", "name": "X-Netz", "states": ["Thüringen"], "towns": ["Jena"]}


@pytest.mark.parametrize("seat, expected", [
    ("07743", "07743"),
    (" 07743 ", "07743"),
    ({"lat": 52.43, "lon": 13.53}, {"lat": 52.43, "lon": 13.53}),
    ("52.43, 13.53", {"lat": 52.43, "lon": 13.53}),  # CSV
    (None, None),
])
def test_valid_seats(vocab, seat, expected):
    rec, problems = validate_record(dict(BASE, seat=seat), 1, vocab)
    assert problems == [] and rec["seat"] == expected


@pytest.mark.parametrize("seat, message", [
    ("99999", "gibt es im Ortsverzeichnis nicht"),
    (7743, "in Anführungszeichen"),  # YAML read an unquoted 07743 as a number
    ("0774", "weder eine fünfstellige Postleitzahl"),
    ({"lat": 48.8, "lon": 2.35}, "nicht in Deutschland"),  # Paris
    ({"lat": "x", "lon": 13}, "keine Zahlen"),
    ({"lat": 52.4}, "erwartet"),
])
def test_invalid_seats_are_refused_with_a_reason(vocab, seat, message):
    rec, problems = validate_record(dict(BASE, seat=seat), 3, vocab)
    assert rec is None and len(problems) == 1
    assert str(problems[0]).startswith("Zeile 3: seat:") and message in str(problems[0])


def test_seat_basis_address_must_match_the_address(vocab):
    rec, problems = validate_record(dict(BASE, seat="07743", address="Markt 1, 07743 Jena"), 1, vocab)
    assert rec["seat_basis"] == "address"  # derived: the seat is the address's postcode
    rec, problems = validate_record(dict(BASE, seat="07745", seat_basis="address", address="Markt 1, 07743 Jena"), 1,
                                    vocab)
    assert rec is None and "steht nicht in der Anschrift" in str(problems[0])
    rec, problems = validate_record(dict(BASE, seat="07743", seat_basis="guess"), 1, vocab)
    assert rec is None and problems[0].field == "seat_basis"
    rec, problems = validate_record(dict(BASE, scope="galaxy"), 1, vocab)
    assert rec is None and problems[0].field == "scope"


def test_parse_seat_without_gazetteer_checks_only_the_form():
    assert parse_seat("99999") == ("99999", None)
    assert parse_seat(True)[1]


def test_every_bundled_network_has_a_valid_seat_with_its_basis(vocab):
    records = yaml.safe_load((DATA_DIR / "networks.yaml").read_text(encoding="utf-8"))["networks"]
    for rec in records:
        valid, problems = validate_record(rec, 1, vocab)
        assert not problems, (rec["id"], problems)
        assert valid["seat"] is not None and valid["seat_basis"], rec["id"]
        if valid["seat_basis"] == "capital":  # a stand-in: the record says so
            assert any("Landeshauptstadt" in caveat for caveat in valid["unconfirmed"]), rec["id"]
        if valid["seat_basis"] == "address":
            assert valid["seat"] in valid["address"], rec["id"]


def test_berlin_networks_sit_in_their_district_not_on_one_point(built_db):
    with sqlite3.connect(built_db) as conn:
        seats = dict(conn.execute("select id, seat from networks where states like '%Berlin%'"))
        centre = conn.execute("select count(*) from network_points p join networks n on n.id = p.network_id "
                              "where n.states like '%Berlin%' and p.lat = (select lat from places where "
                              "name = 'Berlin' and parent is null)").fetchone()[0]
    assert seats["fachkraeftenetzwerk-adlershof"] == "12489"
    assert seats["kooperationsvereinbarung-unternehmen-neukoelln"] == "12043"
    assert seats["bbwa-friedrichshain-kreuzberg"] == "10247"
    assert centre == 0  # the seat replaces the city-centre point of "Berlin"


def test_nearby_adlershof_puts_the_adlershof_network_first_in_place(brain):
    data = to_json(brain.ask("nähe 12489"))
    first = data["networks"][0]
    assert first["id"] == "fachkraeftenetzwerk-adlershof" and first["distance_km"] < 1
    assert "Berlin-Adlershof · im Ort" in data["text"]


def test_networks_without_town_or_district_now_appear_nearby(brain):
    """The eight records without town or district had no coordinates; their seat places them."""
    data = to_json(brain.ask("/naehe 03046"))  # Cottbus: the Wirtschaftsregion Lausitz GmbH
    assert "kompetenzregion-lausitz" in [n["id"] for n in data["networks"]][:6]
    data = to_json(brain.ask("/naehe 57462"))  # Olpe: the Südwestfalen Agentur
    assert "arbeitgeberschmiede-suedwestfalen-plus" in [n["id"] for n in data["networks"]][:6]


@pytest.mark.parametrize("network_id, says, never", [
    # from the published address: the pin is the postcode area, the address is quoted
    ("wachstumsregion-ems-achse", ["Anschrift laut Quelle", "Postleitzahlgebiets 26871"], []),
    # address without postcode: the seat is the town centre
    ("jenaer-allianz-fuer-fachkraefte", ["Anschrift laut Quelle", "Die Nadel zeigt den Sitz-Ort (Ortsmitte), nicht"],
     []),
    # from the first town: the town centre, no address
    ("fachkraefteallianz-landkreis-ludwigsburg", ["Sitz-Ort Ludwigsburg (Ortsmitte; eine Anschrift ist nicht bekannt)"],
     []),
    # the carrier's seat as a source names it (the Kompetenzregion Lausitz, the example until 2026-12, now has an address)
    ("fachkraefteallianz-ostwuerttemberg", ["Sitz-Ort Schwäbisch Gmünd, Sitz des Trägers laut Quelle",
                                            "Die Nadel zeigt die Mitte des Postleitzahlgebiets 73525."], ["Anschrift laut"]),
    ("kompetenzregion-lausitz", ["Anschrift laut Quelle: Wirtschaftsregion Lausitz GmbH, Am Turm 14, 03046 Cottbus",
                                 "Postleitzahlgebiets 03046"], []),
    # a Berlin district alliance: the town hall's postcode stands for the district, not for an address
    ("bbwa-mitte", ["Lage: Berlin (PLZ 10551), Verwaltungssitz für Bezirk Mitte",
                    "Sitz und Anschrift des Netzwerks sind nicht bekannt"], ["Anschrift laut"]),
    # a locality of Berlin: its own postcode, not the city centre
    ("fachkraeftenetzwerk-adlershof", ["Sitz-Ort Berlin-Adlershof (Ortsmitte"], []),
    ("fachkraeftenetzwerk-hochfranken", ["Lage: Hof (PLZ 95030), Verwaltungssitz für Landkreis Hof",
                                         "Sitz und Anschrift des Netzwerks sind nicht bekannt"], []),
    ("schulewirtschaft-bayern", ["Lage: München, die Landeshauptstadt, steht ersatzweise"], ["Ortsmitte"]),
])
def test_map_text_says_what_the_pin_stands_for(brain, network_id, says, never):
    answer = brain.act(f"m:{network_id}")
    text = to_text(answer)
    for phrase in says:
        assert phrase in text, (network_id, text)
    for phrase in never:
        assert phrase not in text, (network_id, text)
    assert answer.venue is not None


def test_audit_fixes_are_in_the_data(brain):
    store = brain.store
    assert "Stadt Hof" in store.network("fachkraeftenetzwerk-hochfranken").districts
    assert {"Künzelsau", "Öhringen"} <= set(store.network("hohenlohe-plus").towns)
    assert {"Schwarzwald-Baar-Kreis", "Landkreis Rottweil", "Landkreis Tuttlingen"} <= \
        set(store.network("fachkraefteallianz-schwarzwald-baar-heuberg").districts)
    lop = store.network("regionale-buendnisse-attraktiver-arbeitgeber-rlp")
    assert any("Trier, Pfalz, Koblenz und Rheinhessen" in caveat for caveat in lop.unconfirmed)
    bang = store.network("bang-ausbildungsnetzwerk-gewerbebereich")
    assert {a["year"] for a in bang.awards} == {2017, 2019}
    # a district question now finds the network that covers it
    data = to_json(brain.ask("Netzwerke im Landkreis Tuttlingen"))
    assert "fachkraefteallianz-schwarzwald-baar-heuberg" in [n["id"] for n in data["networks"]]


def test_a_stand_in_seat_shows_no_distance(brain):
    text = to_text(brain.ask("Netzwerke in der Nähe von München"))
    assert "SCHULEWIRTSCHAFT Bayern – Bayern · Sitz unbekannt" in text
    data = to_json(brain.ask("Netzwerke in Jena"))  # a town seat is the town's centre, as before
    assert "Jenaer Allianz für Fachkräfte – Jena · im Ort" in data["text"]


@pytest.mark.parametrize("place, inside, not_inside", [
    ("Leipzig", "Fachkräfteallianz Leipzig", "Fachkräfteallianz Landkreis Leipzig"),
    ("04109", "Fachkräfteallianz Leipzig", "Fachkräfteallianz Landkreis Leipzig"),
    ("Borna", "Fachkräfteallianz Landkreis Leipzig", "Fachkräfteallianz Leipzig"),
    ("Landkreis Leipzig", "Fachkräfteallianz Landkreis Leipzig", "Fachkräfteallianz Leipzig"),
])
def test_a_city_and_the_landkreis_of_its_name_are_different_areas(brain, place, inside, not_inside):
    # "Stadt Leipzig" and "Landkreis Leipzig" share the name's core; the alliance of one does not cover the other
    lines = {line.split(". ", 1)[1].split(" – ")[0]: line for line in to_text(brain.ask(place)).splitlines()
             if ". " in line and " – " in line}
    assert "im Ort" in lines[inside] or "im Gebiet" in lines[inside], lines
    assert lines[not_inside].split(" · ")[1].endswith("km"), lines  # listed nearby, with its distance
