"""Publishing releases on (a fake) Zenodo and loading them back by DOI."""

from __future__ import annotations

import json

import pytest

import libyaevents
from libyaevents.errors import AuthenticationError, InputError
from libyaevents.publishing.publish import publish_to_zenodo
from libyaevents.releases.stores import PUBLISHED, LocalStore


def _index(store):
    return json.loads((store / "releases.json").read_text(encoding="utf-8"))


def test_a_coded_release_publishes_in_full_and_loads_back_by_doi(zenodo, coded):
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert not done.recipe_only
    assert not done.already
    assert set(done.files) == {"datapackage.json", "events.parquet", "actors.parquet",
                               "measures.parquet", "changes.parquet"}  # fmt: skip
    (record,) = zenodo.server.published()
    assert done.doi == f"10.5281/zenodo.{record['id']}"
    meta = record["metadata"]
    said = (meta["version"], meta["license"], meta["upload_type"])
    assert said == ("0.1.0", "cc-by-4.0", "dataset")
    assert "7 events, 14 actors, 8 measures from 2020-10-23 to 2020-11-25" in meta["description"]
    assert "US sanctions Kaniyat" in meta["description"]  # the report coded
    assert "related_identifiers" not in meta  # the first version
    entry = _index(coded)[PUBLISHED]["0.1.0"]
    assert (entry["doi"], entry["url"], entry["state"]) == (done.doi, done.url, "published")
    back = libyaevents.load("0.1.0", store=f"doi:{done.doi}")
    original = libyaevents.load("0.1.0", store=coded)
    assert back.manifest == original.manifest
    assert back.events.equals(original.events)
    assert libyaevents.verify_release("0.1.0", store=f"doi:{done.doi}").ok


def test_a_second_version_is_a_new_version_of_the_same_concept(zenodo, coded):
    first = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    data = libyaevents.load("0.1.0", store=coded)
    more = data.events.assign(fatalities=data.events["fatalities"] + 1)
    tables = {**data.tables(), "events": more}
    libyaevents.build_release(tables, "0.2.0", store=coded, today="2026-12-01")
    second = publish_to_zenodo("0.2.0", store=coded, http=zenodo.http())
    old, new = zenodo.server.published()
    assert old["conceptrecid"] == new["conceptrecid"]
    assert first.concept_doi == second.concept_doi
    assert new["metadata"]["related_identifiers"] == [
        {"identifier": first.doi, "relation": "isNewVersionOf", "scheme": "doi"}
    ]
    # the draft of a new version carried 0.1.0's files: only 0.2.0's are left
    back = libyaevents.load("0.2.0", store=f"doi:{second.doi}")
    assert int(back.events["fatalities"].sum()) == int(data.events["fatalities"].sum()) + 7
    assert set(_index(coded)[PUBLISHED]) == {"0.1.0", "0.2.0"}
    assert LocalStore(coded).versions() == ["0.1.0", "0.2.0"]


def test_publishing_again_says_so_and_sends_nothing(zenodo, coded):
    first = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    sent = len(zenodo.server.uploads)
    again = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert again.already
    assert again.doi == first.doi
    assert "already published" in again.summary()
    assert first.doi in again.summary()
    assert len(zenodo.server.uploads) == sent
    assert len(zenodo.server.published()) == 1


def test_no_token_or_a_refused_one(zenodo, coded, monkeypatch):
    monkeypatch.delenv("ZENODO_TOKEN")
    with pytest.raises(AuthenticationError, match=r"needs a Zenodo token.*ZENODO_TOKEN"):
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    monkeypatch.setenv("ZENODO_TOKEN", "not-the-token-0000")
    with pytest.raises(AuthenticationError, match=r"refused the token \(HTTP 401") as caught:
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert "not-the-token" not in str(caught.value)
    assert zenodo.server.depositions == {}
    assert PUBLISHED not in _index(coded)


def test_a_store_must_be_local(zenodo):
    with pytest.raises(InputError, match="local store folder"):
        publish_to_zenodo("0.1.0", store="https://example.org/store")
