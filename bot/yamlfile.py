"""Reading the bundled YAML files (``data/*.yaml``) with PyYAML's C parser where it is installed.

The pure-Python parser took about half of the start-up at the bundled size (~0.25 s for the catalogue,
the FAQ and the landscapes); libyaml reads the same files in a fraction of that and gives the same
values for them. Files from operators (``netzwerkbot db import``) are read by ``bot.records``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe subset of YAML either way


def load_yaml(path: Path):
    """The data of the YAML file at ``path`` (UTF-8)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
