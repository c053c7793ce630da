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


def test_the_doi_shows_on_the_data_card_and_in_the_citation(zenodo, coded, tmp_path):
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    before = libyaevents.write_card("0.1.0", output=tmp_path / "bundled").read_text()
    assert 'id="doi"' not in before  # the bundled store's index has no DOI
    page = libyaevents.write_card("0.1.0", store=coded, output=tmp_path / "card").read_text()
    assert f'<a id="doi" href="https://doi.org/{done.doi}">' in page
    assert f'href="{done.url}">record</a>' in page
    assert "Data release 0.1.0.</bdi>" not in page
    assert f"Data release 0.1.0. https://doi.org/{done.doi}</bdi>" in page
    by_doi = libyaevents.write_card("0.1.0", store=f"doi:{done.doi}", output=tmp_path / "d")
    assert f"https://doi.org/{done.doi}</bdi>" in by_doi.read_text()


def test_a_doi_store_checks_what_it_is_given(zenodo, monkeypatch):
    from libyaevents.errors import ReleaseError, ReleaseNotFoundError
    from libyaevents.releases.doistore import DoiStore, zenodo_root

    with pytest.raises(InputError, match=r"A Zenodo DOI such as 'doi:10\.5281/zenodo\.1234'"):
        libyaevents.load("0.1.0", store="doi:10.1000/figshare.7")
    with pytest.raises(ReleaseError, match=r"doi:10\.5281/zenodo\.999: could not read"):
        libyaevents.load("0.1.0", store="doi:10.5281/zenodo.999")
    monkeypatch.setenv("LIBYAEVENTS_ZENODO_API", "http://zenodo.example.org")
    with pytest.raises(InputError, match="https:// expected"):
        zenodo_root()
    monkeypatch.delenv("LIBYAEVENTS_ZENODO_API")
    assert zenodo_root(sandbox=True) == "https://sandbox.zenodo.org"
    assert DoiStore("doi:10.5072/zenodo.5").root == "https://sandbox.zenodo.org"
    assert issubclass(ReleaseNotFoundError, ReleaseError)


def test_a_doi_holds_one_version(zenodo, coded):
    from libyaevents.errors import ReleaseError

    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert libyaevents.list_releases(f"doi:{done.doi}") == ["0.1.0"]
    with pytest.raises(ReleaseError, match=r"holds release '0\.1\.0', not '0\.2\.0'"):
        libyaevents.load("0.2.0", store=f"doi:{done.doi}")


def test_the_command_line_publishes_to_a_community_and_prints_the_doi(zenodo, coded, capsys):
    from libyaevents.cli import main

    args = ["release", "publish", "0.1.0", "--store", str(coded), "--to", "zenodo",
            "--community", "libya-events"]  # fmt: skip
    assert main(args) == 0
    (record,) = zenodo.server.published()
    assert record["metadata"]["communities"] == [{"identifier": "libya-events"}]
    doi = f"10.5281/zenodo.{record['id']}"
    assert f"doi:{doi} {zenodo.url}/records/{record['id']}" in capsys.readouterr().out
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "release 0.1.0 was already published" in out
    assert f"doi:{doi}" in out
    assert main([*args[:5], "--to", "figshare"]) == 2
