"""The benchmark suite runs end to end at its tiny size on each database."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import _postgres_reachable, _postgres_state

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "benchmarks" / "figures"


def _figures() -> dict[str, str]:
    """Return each figure module's name and its FIGURE, imported as the driver imports them."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    names = sorted(info.name for info in pkgutil.iter_modules([str(FIGURES)]) if not info.name.startswith("_"))
    return {name: importlib.import_module(f"benchmarks.figures.{name}").FIGURE for name in names}


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_benchmarks_tiny_size(database: str, tmp_path: Path) -> None:
    if database == "postgresql" and not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {_postgres_state['reason']}")
        pytest.skip("PostgreSQL not reachable for the benchmark suite")
    page = tmp_path / "benchmarks.md"

    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "tiny", "--repeats", "1",
         "--databases", database, "--output", str(page)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )

    text = page.read_text(encoding="utf-8") if page.exists() else ""
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert "**Error on" not in text
    assert "## Summary\n" in text
    figures = _figures()
    assert figures, "no figure modules found in benchmarks/figures"
    for name, figure in figures.items():
        assert f"## {figure}\n" in text, f"figure {figure} ({name}.py) is missing from the page"


def test_missed_target_profiles_name_journeys_code(tmp_path: Path) -> None:
    # The profiles run only when a full-size target is missed, so CI calls them here.
    _figures()
    from benchmarks.common import Context
    from benchmarks.enginerun import profile_engine
    from benchmarks.figures import import_csv

    ctx = Context(size="tiny", repeats=1, work_dir=tmp_path)

    import_profile = import_csv._profile(ctx, "sqlite")
    engine_profile = profile_engine(ctx, "sqlite", 50)

    assert "one-process import of 2,000 rows" in import_profile
    assert "journeys/importer/" in import_profile
    assert "over 50 recipients" in engine_profile
    assert "own time" in engine_profile
