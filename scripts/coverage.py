#!/usr/bin/env python3
"""Print how well the networks cover Germany (see bot/coverage.py for the definitions).

    .venv/bin/python scripts/coverage.py                # builds data/ into a temporary database first
    .venv/bin/python scripts/coverage.py --db FILE      # an existing database
    .venv/bin/python scripts/coverage.py --json         # the figures as one JSON object

Prints the share of postcodes with a network within 25 and 50 km (what ``/naehe <PLZ>`` finds) and every
district without a regional network within 50 km, with the distance from its centre to the nearest one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.build import build_database  # noqa: E402
from bot.catalog import Catalog  # noqa: E402
from bot.coverage import measure  # noqa: E402
from bot.store import Store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (default: build data/ into a temp dir)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data directory (default: data/)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--km", type=float, default=50.0, help="list districts beyond this distance (50)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "coverage.sqlite"
            build_database(args.data, db)
        store = Store(db, Catalog.load(args.data))
        started = time.perf_counter()
        coverage = measure(store)
        seconds = time.perf_counter() - started
        names = dict(store.conn.execute("select id, name from networks"))
        store.close()
    far = coverage.districts_beyond(args.km)
    remote = coverage.districts_far_from_any(args.km)
    if args.json:
        print(json.dumps({**coverage.summary(), "districts_beyond": [
            {"code": d.code, "name": d.name, "state": d.state, "km": d.km, "nearest": d.nearest_id} for d in far],
            "districts_far_from_any": [{"code": d.code, "name": d.name, "state": d.state, "km": d.postcode_min_km}
                                       for d in remote]}, ensure_ascii=False, indent=2))
        return 0
    summary = coverage.summary()
    print(f"Postleitzahlen: {summary['postcodes']} · Netzwerk bis 25 km: {summary['share_within_25_km']:.1%} · "
          f"bis 50 km: {summary['share_within_50_km']:.1%}")
    print(f"Kreise: {summary['districts']} · regionale Netzwerke: {summary['regional_networks']} · "
          f"ohne regionales Netzwerk bis {args.km:.0f} km: {len(far)}")
    for d in far:
        km = f"{d.km:.0f} km" if d.km is not None else "keins"
        print(f"  {d.name} ({d.state}): {km} – nächstes: {names.get(d.nearest_id, '-')}")
    print(f"Kreise, in denen keine PLZ ein Netzwerk (gleich welcher Art) bis {args.km:.0f} km hat: {len(remote)}")
    for d in remote:
        print(f"  {d.name} ({d.state}): {d.postcode_min_km:.0f} km" if d.postcode_min_km is not None
              else f"  {d.name} ({d.state}): keins")
    print(f"(gemessen in {seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
