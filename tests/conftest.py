"""Shared fixtures: one database built from data/ per test session, copied where a test writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.build import build_database
from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """A database built once from the bundled data; treat it as read-only (copy it to write)."""
    path = tmp_path_factory.mktemp("db") / "netzwerkbot.sqlite"
    build_database(DATA_DIR, path)
    return path


@pytest.fixture
def db_copy(built_db, tmp_path) -> Path:
    """A private, writable copy of the built database."""
    target = tmp_path / "netzwerkbot.sqlite"
    shutil.copy(built_db, target)
    return target


@pytest.fixture(scope="session")
def brain(built_db):
    from bot.brain import Brain

    return Brain(built_db, DATA_DIR)


@pytest.fixture(scope="session")
def question_brain(tmp_path_factory):
    """One brain for the labelled questions and dialogues, on a database built once from data/."""
    from bot.brain import Brain

    db = tmp_path_factory.mktemp("questions-db") / "netzwerkbot.sqlite"
    build_database(DATA_DIR, db)
    return Brain(db, DATA_DIR, auto_build=False)
