from __future__ import annotations

from pathlib import Path

import pytest
from plumbing.migrations import PLUMBING_MIGRATIONS, MigrationError, load


def test_plumbing_migrations_load_in_order() -> None:
    names = [m.name for m in load("plumbing", PLUMBING_MIGRATIONS)]
    assert names[:2] == ["plumbing/0001_inbox.sql", "plumbing/0002_entity_versions.sql"]


def test_badly_named_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_init.sql").write_text("select 1")
    with pytest.raises(MigrationError, match=r"NNNN_snake_case\.sql"):
        load("x", tmp_path)


def test_duplicate_numbers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("select 1")
    (tmp_path / "0001_b.sql").write_text("select 2")
    with pytest.raises(MigrationError, match="share a number"):
        load("x", tmp_path)


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="does not exist"):
        load("x", tmp_path / "nope")
