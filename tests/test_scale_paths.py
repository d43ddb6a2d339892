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
    # those covering the place first (nearest first), then the others nearest first; those that ended last
    inside = set(dense_brain.answerer._inside(answer.region)) if answer.intent != "topic" else None
    if inside is not None:
        ended = dense_brain.store.ended_ids()
        after = [(n["id"] in ended, n["distance_km"]) for n in data["networks"] if n["id"] not in inside]
        assert after == sorted(after) and len(after) > 6
        assert any(is_ended for is_ended, _km in after)  # the synthetic data has some (3 %)


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
            every = [m for m in every_match(names, text, len(everyone), among) if m.precision >= 0.9]
            assert names.match(text, limit=4, among=among, min_precision=0.9) == every[:4]


def test_knows_any_agrees_with_match(dense_brain):
    names = dense_brain.understanding.names
    for text in ["Fachkräfte", "xyzzy", "Pflege Jena", "", "qqq Allianz", "Netzwerk", "Göttingen"]:
        assert names.knows_any(text) == bool(names.match(text))


def test_the_same_words_in_another_order_match_the_same(dense_brain):
    names = dense_brain.understanding.names
    names.clear_caches()
    first = names.match("Fachkräfteallianz Landkreis Harz")
    names.clear_caches()  # computed afresh, not the memo of the first
    assert names.match("Harz Landkreis Fachkräfteallianz") == first == every_match(names, "Harz Landkreis Fachkräfteallianz", 5)


def every_match(names, text: str, limit: int, among=None):
    """The long way: score every network (of ``among``) that shares a (similar) word with ``text``."""
    qwords = sorted(names.query_words(text))
    similar = [names._similar_words(w) for w in qwords]
    words = {w for sims in similar for w in sims if w in names.index}
    scored = [names._score(nid, qwords, similar, frozenset()) for nid, mine in names.network_words.items()
              if not mine.isdisjoint(words) and (among is None or nid in among)]
    return sorted(scored, key=lambda m: (-m.score, m.name, m.network_id))[:limit]


@pytest.mark.parametrize("text", [
    "Bündnis für Fachkräfte", "Fachkräfteallianz Landkreis Nord", "Netzwerk Pflege Göttingen",
    "Fachkraefteforum Sued", "Bündnis Fachkräftesicherung im Landkreis", "Netzwerk Schule Wirtschaft Mitte",
    "Welcome Center Plus", "Allianz", "Fachkräfteinitiative West 12", "Netzwerk Familie und Beruf"])
@pytest.mark.parametrize("sort_members", [4096, 64])  # 64: large groups go through the posting-list scan
def test_name_matching_by_bound_equals_scoring_every_network(dense_brain, text, sort_members, monkeypatch):
    import bot.names

    monkeypatch.setattr(bot.names, "SORT_MEMBERS", sort_members)
    names = dense_brain.understanding.names
    names.clear_caches()
    for limit in (1, 5, 12):
        assert names.match(text, limit=limit) == every_match(names, text, limit)


def test_nearest_among_a_few_networks_measures_only_theirs(store, monkeypatch):
    lat, lon = 50.93, 11.59  # Jena
    few = {nid for nid, _km, _town in store.nearest(52.5, 13.4, limit=3)}  # three networks near Berlin
    everything = store.nearest(lat, lon)
    scans = []
    real = store._cells_near
    monkeypatch.setattr(store, "_cells_near", lambda *args: scans.append(args) or real(*args))
    assert store.nearest(lat, lon, limit=5, among=few) == [x for x in everything if x[0] in few]
    assert store.nearest(lat, lon, limit=5, among=set()) == []
    assert store.nearest(lat, lon, max_km=100, among=few) == []
    assert not scans, "a few networks are measured directly, not by scanning the grid"


@pytest.mark.parametrize("text", ["Teilzeitausbildung in Jena", "Teilzeitausbildung nahe 80331"])
def test_a_rare_topic_near_a_place_lists_its_nearest_networks(dense_brain, text):
    answer = dense_brain.ask(text)
    assert answer.intent == "topic"
    topic = dense_brain.catalog.topic_by_code[answer.topic]
    ids = dense_brain.answerer._topic_ids(topic, None)
    places = dense_brain.store.distances(ids, answer.region.lat, answer.region.lon)  # the long way
    nearest = sorted(places, key=lambda nid: places[nid][0])
    shown = [n["id"] for n in to_json(answer)["networks"]]
    # the place's own general networks first (they take up every field), then the topic's nearest
    covering = set(dense_brain.answerer._inside(answer.region))
    general = [nid for nid in shown if nid not in ids]
    assert shown[:len(general)] == general and set(general) <= covering
    on_topic = shown[len(general):]
    assert len(ids) < 60 and on_topic == nearest[:len(on_topic)] and len(on_topic) == min(len(places), 5)


def test_more_of_a_long_list_is_ranked_without_ranking_all(dense_brain, monkeypatch):
    answer = dense_brain.ask("Nähe 37073")
    assert answer.complete is not None and answer.total > 40
    limits = []
    real = dense_brain.store.nearest
    monkeypatch.setattr(dense_brain.store, "nearest", lambda *a, **k: limits.append(k.get("limit")) or real(*a, **k))
    head = answer.head(20)
    assert len(head) == 20 and limits and None not in limits
    monkeypatch.undo()
    assert head == [n["id"] for n in to_json(dense_brain.ask("Nähe 37073"))["networks"][:20]]


def _held_sets(function, seen=None) -> list[int]:
    """Sizes of the sets a function keeps through its closure and defaults, nested functions included."""
    seen = seen if seen is not None else set()
    if function is None or id(function) in seen:
        return []
    seen.add(id(function))
    found = []
    values = [c.cell_contents for c in (function.__closure__ or ()) if c.cell_contents is not None]
    values += list(function.__defaults__ or ())
    for value in values:
        if isinstance(value, (set, frozenset)):
            found.append(len(value))
        elif callable(value) and hasattr(value, "__closure__"):
            found += _held_sets(value, seen)
    return found


def test_a_cached_topic_list_does_not_hold_the_topics_ids(dense_brain):
    answer = dense_brain.ask("Pflege in Jena")
    assert answer.intent == "topic" and answer.complete is not None
    assert max(_held_sets(answer.complete) + _held_sets(answer.extend), default=0) < 50


def test_state_and_topic_lists_are_in_the_order_sql_gives(store):
    # the lists are selected by index and ordered by the one sorted list of all networks
    def by_sql(where: str, params: list) -> list[str]:
        return [r[0] for r in store.conn.execute(
            f"select network_id from network_summaries where network_id in ({where}) "
            "order by name collate nocase, network_id", params)]

    for state in ("Bayern", "Sachsen", "Bremen"):
        expected = by_sql("select network_id from network_regions where kind = 'state' and name = ?", [state])
        assert len(expected) > 5 and store.ids_in_state(state) == expected
    for kind, name in store.topic_names()[:6]:
        topic = "select network_id from network_topics where kind = ? and name = ?"
        assert store.ids_with_topic(kind, name) == by_sql(topic, [kind, name])
        in_bayern = by_sql(f"{topic} intersect select network_id from network_regions where kind = 'state' "
                           "and name = ?", [kind, name, "Bayern"])
        assert store.ids_with_topic(kind, name, "Bayern") == in_bayern
    assert store.all_ids() == by_sql("select network_id from network_summaries", [])


def test_a_warmed_up_name_matcher_matches_as_a_cold_one(dense_db):
    cold = Brain(dense_db, DATA_DIR)
    warm = Brain(dense_db, DATA_DIR)
    warm.warm_up()
    try:
        assert len(warm.names._sorted) > 3 and not cold.names._sorted
        for text in ["Netzwerk Fachkräfte", "Fachkräfteallianz Landkreis Nord", "Bündnis für Fachkräfte",
                     "Netzwerk Schule Wirtschaft Mitte", "Welcome Center"]:
            assert warm.names.match(text, limit=8) == cold.names.match(text, limit=8)
            assert to_json(warm.ask(text)) == to_json(cold.ask(text))
    finally:
        cold.store.close()
        warm.store.close()
