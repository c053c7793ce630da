"""Alignment by content: the cost of a pair, the threshold, the optimal one-to-one pairing."""

from __future__ import annotations

import shutil

import numpy as np

from libyaevents.coding import align
from libyaevents.coding.codings import read_coding
from libyaevents.readers.coded import sources_folder


def _edited(tmp_path, old, new):
    copy = tmp_path / "b"
    shutil.copytree(sources_folder(), copy)
    path = next((copy / "reports").glob("*.toml"))
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return read_coding(copy)


LBY7 = '''actor1 = "government-of-the-united-states"
actor2 = "kaniyat-militia"'''


def _unit_of(units, coding, ident):
    row = [r["event_id_cnty"] for r in coding.raw_events].index(ident)
    return next(u for u in units if u.rows.get(0) == row)


def test_a_pair_is_made_up_to_the_threshold_and_not_beyond(tmp_path):
    seed = read_coding(sources_folder())
    # both actors differ: 0.6 + 0.4 = 1.0, still the same event
    both = _edited(
        tmp_path / "1", LBY7, 'actor1 = "government-of-russia"\nactor2 = "united-nations"'
    )
    units = align.align_events([seed, both])
    assert len(_unit_of(units, seed, "LBY7").rows) == 2
    # and the sub-event type too: 1.3, two events
    other = _edited(
        tmp_path / "2",
        'sub_event_type = "Other"\n' + LBY7,
        'sub_event_type = "Agreement"\nactor1 = "government-of-russia"\nactor2 = "united-nations"',
    )
    units = align.align_events([seed, other])
    assert len(_unit_of(units, seed, "LBY7").rows) == 1
    assert sum(len(u.rows) == 1 for u in units) == 2  # a's LBY7, and b's changed event


def test_the_pairing_is_optimal_not_greedy():
    # greedy on the cheapest pair (0.1) would leave a 0.9 pair: total 1.0 for 2 pairs
    # against 0.2 + 0.3 = 0.5 for the same two pairs
    cost = np.array([[0.2, 0.1], [0.9, 0.3]])
    assert align._pairs(cost, 1.0) == [(0, 0), (1, 1)]
    # the most pairs first: two pairs at 1.0 beat one at 0.0
    assert align._pairs(np.array([[0.0, 0.5], [0.5, 2.0]]), 1.0) == [(0, 1), (1, 0)]
    # above the threshold nothing is paired
    assert align._pairs(np.array([[1.5]]), 1.0) == []


def test_the_cost_is_the_documented_weights():
    seed = read_coding(sources_folder())
    a = seed.event_values[0]
    assert align.event_cost(a, 3, a, 3) == 0
    assert align.event_cost(a, 3, a, 2) == 1.0  # another paragraph
    later = {**a, "event_date": a["event_date"].replace(day=a["event_date"].day + 3)}
    assert align.event_cost(a, 3, later, 3) == 0.1  # 3 days of 30
    assert align.event_cost(a, 3, {**a, "place": "x", "tags": frozenset()}, 3) == 0.07
