"""Shared fixtures and the hypothesis profiles (chosen by HYPOTHESIS_PROFILE)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# what the library caches (verified file states, tokens, fetched releases) goes to a
# folder of the test run's own, never the user's cache
os.environ["LIBYAEVENTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="libyaevents-test-cache-")

ROOT = Path(__file__).resolve().parents[1]
#: Sample inputs kept beside the repository, never in it: real ACLED exports (ACLED's
#: terms forbid redistributing them) and the seed report the bundled release codes. A
#: worktree elsewhere points at it with LIBYAEVENTS_SHARED.
SHARED = Path(os.environ.get("LIBYAEVENTS_SHARED") or ROOT.parent / "shared")
SEED_ID = "f8806eb3f3e19e34"


def shared_path(*parts: str, what: str) -> Path:
    """A file or folder in ../shared; skips, saying what ../shared is, when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{what} not found at {path}: ../shared holds the sample ACLED exports and the "
            "seed report, kept beside the repository (ACLED's terms forbid copying the "
            "exports into it), and is absent here"
        )
    return path


@pytest.fixture(scope="session")
def shared_acled() -> Path:
    """The real ACLED exports in ../shared/data/acled; skips when they are not there."""
    return shared_path("data", "acled", what="real ACLED exports")


@pytest.fixture(scope="session")
def seed_report() -> Path:
    """The seed report's text file in ../shared/seeds; skips when it is not there."""
    seeds = shared_path("seeds", what="the seed reports")
    matches = sorted(seeds.glob(f"*_{SEED_ID}.txt"))
    if not matches:
        pytest.skip(f"seed report {SEED_ID} not found in {seeds}")
    return matches[0]
