"""Coverage: what /naehe finds for every German postcode, and the nearest regional network of every district.

The figures are computed with the store's own nearest-point search for all 8,307 postcodes and 400 districts
(bot/coverage.py; a few seconds). README and data/README.md state them; ``scripts/coverage.py`` prints them.
"""

from __future__ import annotations

import time

import pytest

from bot.coverage import measure
from bot.render import to_json


@pytest.fixture(scope="module")
def coverage(brain):
    started = time.perf_counter()
    result = measure(brain.store)
    result.seconds = time.perf_counter() - started
    return result


def test_figures_are_computed_for_every_postcode_and_district(coverage, brain):
    postcodes = brain.store.conn.execute("select count(distinct postcode) from postcodes").fetchone()[0]
    assert len(coverage.postcode_km) == postcodes == 8307
    assert len(coverage.districts) == 400
    assert all(d.nearest_km is not None for d in coverage.districts)
    assert all(km is not None for km in coverage.postcode_km.values())
    assert coverage.seconds < 30  # seconds, not minutes (about 1-4 s)


def test_shares_within_25_and_50_km_do_not_fall_below_todays(coverage):
    # with the December 2026 research (228 networks): 78.9 % within 25 km, 99.4 % within 50 km (with the seats alone:
    # 64.9 / 94.8 %, before them 61 / 92 %); 79.4 % counted a wrongly placed namesake of Amberg
    assert coverage.share_within(25.0) >= 0.785
    assert coverage.share_within(50.0) >= 0.99
    assert coverage.districts_far_from_any(50.0) == []  # the measure: 16 before the seats, 9 with them


def test_the_figures_are_what_naehe_answers(coverage, brain):
    for postcode in ("12489", "83022", "37073", "26871"):
        data = to_json(brain.ask(f"/naehe {postcode}"))
        nearest = min(n["distance_km"] for n in data["networks"])
        assert nearest == coverage.postcode_km[postcode], postcode


def test_state_wide_programmes_do_not_count_for_districts(coverage, brain):
    regional = coverage.regional_ids
    assert "schulewirtschaft-bayern" not in regional and "zukunftsbuendnis-fachkraefte-saar" not in regional
    assert "hueben-und-drueben" not in regional  # nationwide
    assert "jenaer-allianz-fuer-fachkraefte" in regional
    # the state-wide programmes of the December 2026 research are not regional either
    assert regional.isdisjoint({"initiative-fachkraeftesicherung-plus-bayern", "migranet-iq-netzwerk-bayern",
                                "fachkraefteallianz-sachsen", "thaff-thueringer-agentur-fuer-fachkraeftegewinnung"})
    state_wide = {nid for (nid,) in brain.store.conn.execute("select id from networks where scope in ('state', 'national')")}
    assert len(state_wide) >= 20
    # no district's nearest regional network is a state-wide one (Landkreis Rosenheim was 110 km from any regional
    # network before the December 2026 research; SCHULEWIRTSCHAFT Bayern in München must never stand in for one)
    assert all(d.nearest_id not in state_wide and not set(d.covered_by) & state_wide for d in coverage.districts)
    rosenheim = next(d for d in coverage.districts if d.name == "Landkreis Rosenheim")
    assert rosenheim.nearest_id != "schulewirtschaft-bayern"
    jena = next(d for d in coverage.districts if d.name == "Stadt Jena")
    assert jena.km == 0 and "jenaer-allianz-fuer-fachkraefte" in jena.covered_by


def test_every_district_has_a_regional_network_within_50_km(coverage):
    far = coverage.districts_beyond(50.0)
    assert far == [], ", ".join(f"{d.name} {d.km:.0f} km" for d in far)
