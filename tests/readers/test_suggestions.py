"""Did-you-mean ids for names that do not resolve, from the bundled registries."""

from __future__ import annotations

import tomllib

import pytest

from libyaevents.readers.coded import sources_folder
from libyaevents.readers.suggestions import LIMIT, did_you_mean, hint


@pytest.fixture(scope="module")
def actors() -> dict[str, list[str]]:
    rows = tomllib.loads((sources_folder() / "actors.toml").read_text(encoding="utf-8"))
    return {a["actor_id"]: [a["name"], *a.get("aliases", [])] for a in rows["actors"]}


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("kaniyat-milita", "kaniyat-militia"),  # a typo in the id
        ("Kaniyat", "kaniyat-militia"),  # an alias where the id belongs
        ("Government of Russia (2000-)", "government-of-russia"),  # the canonical name
        ("HoR", "house-of-representatives"),
        ("lavrov", "sergei-lavrov"),
        ("house-of-representative", "house-of-representatives"),
    ],
)
def test_the_intended_id_comes_first(actors, typed, first):
    found = did_you_mean(typed, actors)
    assert found[0] == first
    assert len(found) <= LIMIT
    assert len(set(found)) == len(found)


def test_nothing_close_suggests_nothing(actors):
    assert did_you_mean("zzzz-qqqq", actors) == []
    assert hint([]) == ""
    assert hint(["a", "b"]) == "; did you mean 'a' or 'b'?"
