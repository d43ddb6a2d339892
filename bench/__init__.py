"""Benchmarks for netzwerkbot: synthetic data, answer latency, start-up, build/import and Telegram throughput.

Everything here measures the project's real code paths (``bot.build.build_database``,
``bot.importer.import_file``, ``bot.brain.Brain``, ``handlers.app.build_application``) against
databases that hold the bundled networks plus SYNTHETIC ones (ids ``syn-…``, sources
``synthetic – benchmark only``). Synthetic records are only ever written to the benchmark cache
(``~/.cache/netzwerkbot-bench`` or ``$NETZWERKBOT_BENCH_CACHE``), never into ``data/``.

Run ``python -m bench --help`` (or ``netzwerkbot bench --help``).
"""

from __future__ import annotations

import hashlib
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SEED = 20240601
BUNDLED = "bundled"  # the size label of the database built from data/ alone


def cache_dir() -> Path:
    base = os.environ.get("NETZWERKBOT_BENCH_CACHE") or str(Path.home() / ".cache" / "netzwerkbot-bench")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def code_fingerprint(*relative: str) -> str:
    """A short hash of project files, so cached databases are rebuilt when the code that built them changes."""
    digest = hashlib.sha256()
    for rel in relative:
        path = PROJECT_ROOT / rel
        digest.update(rel.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:12]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def fmt_ms(seconds: float) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    ms = seconds * 1000
    return f"{ms:.2f}" if ms < 10 else (f"{ms:.1f}" if ms < 100 else f"{ms:.0f}")


def fmt_int(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.0f}".replace(",", " ")


def table(headers: list[str], rows: list[list], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table (also readable in a terminal)."""
    cells = [[str(h) for h in headers]] + [["–" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = align or ("l" + "r" * (len(headers) - 1))

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align)) + " |"

    sep = "| " + " | ".join(("-" * (w - 1) + ":") if a == "r" else "-" * w for w, a in zip(widths, align)) + " |"
    return "\n".join([line(cells[0]), sep] + [line(r) for r in cells[1:]])


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import sqlite3

    from importlib import metadata

    versions = {}
    for dist in ("python-telegram-bot", "rapidfuzz", "sqlite-utils", "aiohttp", "httpx"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "?"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    try:
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "bot", "handlers", "data"], cwd=PROJECT_ROOT,
                                    capture_output=True, text=True, timeout=5).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"nproc": os.cpu_count(), "cpu": cpu, "loadavg_at_start": os.getloadavg(), "dirty_tree": dirty, "ram_gb": mem_gb, "python": sys.version.split()[0],
            "implementation": platform.python_implementation(), "os": platform.platform(),
            "sqlite": sqlite3.sqlite_version, "packages": versions, "commit": commit}
