"""The cycle collector is paused while codings are read, and left as it was found."""

from __future__ import annotations

import gc

import pytest

from libyaevents import InputError, adjudicate, agree_codings, read_sources
from libyaevents.errors import ReadError
from libyaevents.readers import collector
from libyaevents.readers.coded import sources_folder


def test_paused_while_reading_and_on_again_after(monkeypatch):
    seen = []
    real = collector.paused

    def watched():
        seen.append(gc.isenabled())
        return real()

    monkeypatch.setattr(collector, "paused", watched)
    read_sources()
    assert seen == [True]
    assert gc.isenabled()


def test_left_as_found_by_every_entry_point(tmp_path):
    folders = [sources_folder(), sources_folder()]
    for call in (
        read_sources,
        lambda: agree_codings(folders, draws=0),
        lambda: adjudicate(folders, tmp_path / "merged"),
    ):
        call()
        assert gc.isenabled()
    gc.disable()
    try:
        agree_codings(folders, draws=0)
        assert not gc.isenabled()  # switched off by the caller: not switched on
    finally:
        gc.enable()


def test_on_again_after_an_error(tmp_path):
    with pytest.raises(ReadError):
        read_sources(tmp_path)
    assert gc.isenabled()
    with pytest.raises(InputError):
        adjudicate([sources_folder(), tmp_path / "none"], tmp_path / "merged")
    assert gc.isenabled()
