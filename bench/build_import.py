"""Benchmark databases: build from ``data/``, import synthetic networks, cache the result.

A database of size N holds the bundled networks plus ``N - bundled`` synthetic ones. It is made
with the project's real code paths and each step is timed:

1. ``bot.build.build_database(data_dir, db)`` – the bundled data and the gazetteer;
2. ``bot.importer.import_file(db, syn.json, catalog)`` – the synthetic networks, exactly as
   ``netzwerkbot db import`` does it (validation, placing on the gazetteer, one transaction);
3. ``build_database`` again on the imported database – the rebuild after ``data/`` changes
   (``netzwerkbot db build --force``), which carries every import over.

Results are cached under ``cache_dir()`` keyed by size, seed and a hash of the data and of the
code that builds it, with the timings in a JSON file beside the database, so re-runs are quick
(``--rebuild`` measures afresh).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from bot.build import build_database, source_fingerprint
from bot.catalog import Catalog
from bot.importer import import_file

from . import DATA_DIR, DEFAULT_SEED, cache_dir, code_fingerprint
from .synthetic import generate, write_import_file

CODE_FILES = ("bot/build.py", "bot/importer.py", "bot/records.py", "bot/placenames.py", "bot/textnorm.py",
              "bot/catalog.py", "bench/synthetic.py")


def bundled_count(data_dir: Path = DATA_DIR) -> int:
    import yaml

    return len(yaml.safe_load((data_dir / "networks.yaml").read_text(encoding="utf-8"))["networks"])


def db_key(size: int, seed: int, data_dir: Path = DATA_DIR) -> str:
    return f"db-{size}-s{seed}-{source_fingerprint(data_dir)[:10]}-{code_fingerprint(*CODE_FILES)}"


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def make_database(size: int, seed: int, target: Path, data_dir: Path = DATA_DIR, log=print) -> dict:
    """Build ``target`` with ``size`` networks and return the timings."""
    catalog = Catalog.load(data_dir)
    bundled = bundled_count(data_dir)
    synthetic = max(0, size - bundled)
    metrics: dict = {"size": size, "seed": seed, "bundled": bundled, "synthetic": synthetic,
                     "made_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(target.name + ".work")
    work.unlink(missing_ok=True)

    report = build_database(data_dir, work, catalog)
    metrics["build"] = {"seconds": report.seconds, "networks": report.networks, "postcodes": report.postcodes,
                        "places": report.places, "networks_per_s": report.networks / report.seconds}
    log(f"  build {size}: {report.networks} bundled networks + {report.places} places in {report.seconds:.2f} s")

    if synthetic:
        started = time.perf_counter()
        records = generate(synthetic, seed, data_dir)
        syn_file = target.with_name(target.stem + "-synthetic.json")
        write_import_file(records, syn_file)
        metrics["generate_seconds"] = time.perf_counter() - started
        del records
        started = time.perf_counter()
        result = import_file(work, syn_file, catalog)
        seconds = time.perf_counter() - started
        if result.problems:
            raise RuntimeError(f"synthetic import rejected: {result.problems[:5]}")
        metrics["import"] = {"seconds": seconds, "rows": result.rows, "rows_per_s": result.rows / seconds,
                             "file_mb": syn_file.stat().st_size / 1e6}
        log(f"  import {size}: {result.rows} synthetic rows in {seconds:.2f} s ({result.rows / seconds:,.0f} rows/s)")
        syn_file.unlink()

        # the rebuild after data/ changed: bundled data again, every import re-applied
        rebuilt = target.with_name(target.name + ".rebuild")
        rebuilt.unlink(missing_ok=True)
        os.replace(work, rebuilt)
        report = build_database(data_dir, rebuilt, catalog)
        metrics["rebuild"] = {"seconds": report.seconds, "networks": report.networks, "imported": report.imported,
                              "networks_per_s": report.networks / report.seconds}
        log(f"  rebuild {size}: {report.networks} networks ({report.imported} imported) in {report.seconds:.2f} s")
        os.replace(rebuilt, work)
    metrics["networks"] = _count(work, "select count(*) from networks")
    metrics["db_mb"] = work.stat().st_size / 1e6
    os.replace(work, target)
    return metrics


def ensure_database(size: int, seed: int = DEFAULT_SEED, rebuild: bool = False, data_dir: Path = DATA_DIR,
                    log=print) -> tuple[Path, dict]:
    """A cached database of ``size`` networks (made when missing or ``rebuild``) and its timings."""
    key = db_key(size, seed, data_dir)
    path = cache_dir() / f"{key}.sqlite"
    meta_path = cache_dir() / f"{key}.json"
    if not rebuild and path.exists() and meta_path.exists():
        metrics = json.loads(meta_path.read_text())
        metrics["cached"] = True
        return path, metrics
    log(f"making database with {size} networks (seed {seed}) …")
    metrics = make_database(size, seed, path, data_dir, log)
    meta_path.write_text(json.dumps(metrics, indent=2))
    metrics["cached"] = False
    return path, metrics


def prune_cache(data_dir: Path = DATA_DIR, log=print) -> int:
    """Remove cached databases built from other data or code versions (they are never used again)."""
    current = db_key(0, 0, data_dir).split("-", 3)[3]  # "<data fingerprint>-<code fingerprint>"
    removed = 0
    for path in cache_dir().glob("db-*.sqlite"):
        if not path.stem.endswith(current):
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
            removed += 1
    if removed:
        log(f"  removed {removed} cached database(s) of older data/code")
    return removed
