"""The shortcuts that keep answers fast at 100,000 networks give exactly what the long way gives.

A database of the bundled networks plus 10,000 synthetic ones (``bench.synthetic``, never shipped)
is dense enough that a town has dozens of networks within 100 km, grid cells lie wholly inside the
radius as well as on its edge, and common name words have thousands of names.
"""

from __future__ import annotations

import random
import shutil

import pytest

from bench.synthetic import generate, write_import_file
from bot.brain import Brain
from bot.catalog import Catalog
from bot.importer import import_file
from bot.render import to_json, to_telegram
from bot.settings import PROJECT_ROOT
from bot.store import Store

SYNTHETIC = 10000
DATA_DIR = PROJECT_ROOT / "data"


@pytest.fixture(scope="module")
def dense_db(built_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("dense") / "netzwerkbot.sqlite"
    shutil.copy(built_db, path)
    source = write_import_file(generate(SYNTHETIC), path.with_name("synthetic.json"))
    result = import_file(path, source, Catalog.load(DATA_DIR))
    assert not result.problems and result.rows == SYNTHETIC
    return path


@pytest.fixture(scope="module")
def store(dense_db):
    store = Store.open(dense_db, DATA_DIR, auto_build=False)
    yield store
    store.close()


@pytest.fixture(scope="module")
def dense_brain(dense_db):
    brain = Brain(dense_db, DATA_DIR)
    yield brain
    brain.store.close()


def places(n: int, seed: int = 7) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(47.4, 55.0), rng.uniform(6.0, 15.0)) for _ in range(n)]


def test_count_near_equals_the_length_of_the_full_list(store):
    checked = 0
    for lat, lon in places(40):
        skip = {nid for nid, _km, _town in store.nearest(lat, lon, limit=3)}
        topic = {nid for nid, _km, _town in store.nearest(lat, lon, max_km=250)[::4]}
        for max_km in (100.0, 37.5):
            full = store.nearest(lat, lon, max_km=max_km)
            assert store.count_near(lat, lon, max_km) == len(full)
            assert store.count_near(lat, lon, max_km, exclude=skip) == len([x for x in full if x[0] not in skip])
            among = [x for x in full if x[0] in topic and x[0] not in skip]
            assert store.count_near(lat, lon, max_km, exclude=skip, among=topic) == len(among)
            checked += len(full)
    assert checked > 2000  # dense enough that whole cells and edge cells both count


def test_a_page_of_the_nearest_is_the_head_of_the_full_list(store):
    for lat, lon in places(25, seed=3):
        skip = {nid for nid, _km, _town in store.nearest(lat, lon, limit=2)}
        topic = {nid for nid, _km, _town in store.nearest(lat, lon, max_km=300)[::3]}
        full = store.nearest(lat, lon, max_km=100, exclude=skip)
        for limit in (1, 6, 30):
            assert store.nearest(lat, lon, max_km=100, exclude=skip, limit=limit) == full[:limit]
        only = store.nearest(lat, lon, max_km=100, among=topic)
        assert only == [x for x in store.nearest(lat, lon, max_km=100) if x[0] in topic]
        assert store.nearest(lat, lon, max_km=100, among=topic, limit=12) == only[:12]
        anywhere = store.nearest(lat, lon, among=topic)
        assert store.nearest(lat, lon, among=topic, limit=5) == anywhere[:5]


@pytest.mark.parametrize("text", ["Netzwerke in Göttingen", "Nähe 37073", "Was gibt es in Mainz?",
                                  "Landkreis Harz", "Pflege in Jena", "Ausbildung nahe Leipzig"])
def test_a_long_place_list_shows_its_head_and_lists_everything_in_json(dense_brain, text):
    answer = dense_brain.ask(text)
    assert answer.complete is not None, "a long list should know only its head"
    assert len(answer.known_ids) < answer.total
    html = to_telegram(answer)[0].html
    data = to_json(dense_brain.ask(text))  # a fresh copy: the JSON face completes the list
    assert data["total"] == len(data["networks"]) > 6
    ids = [n["id"] for n in data["networks"]]
    assert len(set(ids)) == len(ids)
    first = data["networks"][:6]
    for n in first:
        assert n["name"] in html.replace("&amp;", "&")
    # nearest first among the networks "in der Nähe" (those covering the place come first, by distance too)
    near = [n["distance_km"] for n in data["networks"] if n["distance_km"] is not None]
    assert near == sorted(near) or data["networks"][0]["distance_km"] is not None


def test_later_pages_agree_with_the_complete_list(dense_brain):
    whole = to_json(dense_brain.ask("Netzwerke in Göttingen"))["networks"]
    assert len(whole) > 30
    from bot import actions
    from bot.models import Query

    first = dense_brain.ask("Netzwerke in Göttingen")
    for page in (1, 4):
        action = actions.for_query(Query(intent="region", region=first.region), page)
        paged = dense_brain.act(action)
        html = to_telegram(paged)[0].html.replace("&amp;", "&")
        for n, net in enumerate(whole[page * 6:page * 6 + 6], start=page * 6 + 1):
            assert f"{n}. <b>{net['name']}</b>" in html


def test_name_matching_with_a_precision_floor_equals_filtering_every_match(dense_brain):
    names = dense_brain.understanding.names
    everyone = set(names.display_name)
    rng = random.Random(5)
    texts = ["Fachkräfteallianz", "Bündnis für Fachkräfte", "Netzwerk Pflege", "Fachkräfteforum Nord",
             "Welcome Center", "Netzwerk Schule Wirtschaft", "Allianz"]
    for text in texts:
        for size in (40, 500, len(everyone)):
            among = set(rng.sample(sorted(everyone), size))
            every = [m for m in names.match(text, limit=len(everyone), among=among) if m.precision >= 0.9]
            assert names.match(text, limit=4, among=among, min_precision=0.9) == every[:4]


def test_knows_any_agrees_with_match(dense_brain):
    names = dense_brain.understanding.names
    for text in ["Fachkräfte", "xyzzy", "Pflege Jena", "", "qqq Allianz", "Netzwerk", "Göttingen"]:
        assert names.knows_any(text) == bool(names.match(text))


def test_the_same_words_in_another_order_match_the_same(dense_brain):
    names = dense_brain.understanding.names
    assert names.match("Fachkräfteallianz Landkreis Harz") == names.match("Harz Landkreis Fachkräfteallianz")


def every_match(names, text: str, limit: int):
    """The long way: score every network that shares a (similar) word with ``text``."""
    qwords = sorted(names.query_words(text))
    similar = [names._similar_words(w) for w in qwords]
    words = {w for sims in similar for w in sims if w in names.index}
    scored = [names._score(nid, qwords, similar, frozenset()) for nid, mine in names.network_words.items()
              if not mine.isdisjoint(words)]
    return sorted(scored, key=lambda m: (-m.score, m.name, m.network_id))[:limit]


@pytest.mark.parametrize("text", [
    "Bündnis für Fachkräfte", "Fachkräfteallianz Landkreis Nord", "Netzwerk Pflege Göttingen",
    "Fachkraefteforum Sued", "Bündnis Fachkräftesicherung im Landkreis", "Netzwerk Schule Wirtschaft Mitte",
    "Welcome Center Plus", "Allianz", "Fachkräfteinitiative West 12", "Netzwerk Familie und Beruf"])
def test_name_matching_by_bound_equals_scoring_every_network(dense_brain, text):
    names = dense_brain.understanding.names
    names.clear_caches()
    for limit in (1, 5, 12):
        assert names.match(text, limit=limit) == every_match(names, text, limit)
