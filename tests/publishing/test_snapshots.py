"""Snapshots of living data: UCDP (CC BY 4.0) publishes in full, ACLED only its recipe."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import InputError, ReleaseError
from libyaevents.publishing.publish import publish_to_zenodo
from libyaevents.publishing.recipe import RECIPE_CARD, RECIPE_CHANGES
from libyaevents.releases.stores import LocalStore
from tests.fake_apis import FakeAcled, FakeUcdp, rows_from_csv
from tests.live.conftest import acled_csv
from tests.live.test_ucdp_api import TOKEN as UCDP_TOKEN
from tests.live.test_ucdp_api import ged_rows
from tests.snapshots.conftest import client_of


@pytest.fixture
def acled(tmp_path):
    server = FakeAcled(rows_from_csv(acled_csv(150, seed=41)))
    server.base_url = server.start()
    store = tmp_path / "acled-store"
    done = libyaevents.sync(store, "acled", client=client_of(server), country="Libya", limit=50)
    yield server, store, done.version
    server.stop()


def test_a_ucdp_snapshot_publishes_in_full_and_loads_back_by_doi(zenodo, tmp_path):
    server = FakeUcdp(ged_rows(80), token=UCDP_TOKEN)
    url = server.start()
    try:
        done = libyaevents.sync(tmp_path / "ged", "ucdp", version="25.1", country=620,
                                token=UCDP_TOKEN, base_url=url, limit=30)  # fmt: skip
    finally:
        server.stop()
    published = publish_to_zenodo(done.version, store=tmp_path / "ged", http=zenodo.http())
    assert not published.recipe_only
    assert "fingerprints.parquet" in published.files
    (record,) = zenodo.server.published()
    assert record["metadata"]["license"] == "cc-by-4.0"
    assert "A snapshot of ucdp" in record["metadata"]["description"]
    assert "UCDP GED" in record["metadata"]["keywords"]
    back = libyaevents.load(done.version, store=f"doi:{published.doi}")
    assert back.events.equals(libyaevents.load(done.version, store=tmp_path / "ged").events)
    assert libyaevents.verify_release(done.version, store=f"doi:{published.doi}").ok


def test_an_acled_snapshot_publishes_its_recipe_and_reproduce_rebuilds_it(zenodo, acled, tmp_path):
    server, store, version = acled
    published = publish_to_zenodo(version, store=store, http=zenodo.http())
    assert published.recipe_only
    assert sorted(published.files) == sorted(
        ["datapackage.json", "fingerprints.parquet", RECIPE_CHANGES, RECIPE_CARD]
    )
    (record,) = zenodo.server.published()
    held = zenodo.server.buckets[record["bucket"]]
    names = libyaevents.load(version, store=store).actors["name"].astype("str")
    card = held[RECIPE_CARD].decode()
    assert "150 events" in card
    assert not any(name in card for name in names)  # no actor names
    description = record["metadata"]["description"]
    assert "libyaevents reproduce datapackage.json" in description
    assert "ACLED-terms-of-use" in description
    with pytest.raises(ReleaseError, match=r"only the recipe.*libyaevents reproduce") as caught:
        libyaevents.load(version, store=f"doi:{published.doi}")
    manifest = str(caught.value).split("reproduce ")[-1].split(" --store")[0]
    rebuilt = libyaevents.reproduce(manifest, store=tmp_path / "mine", client=client_of(server))
    assert rebuilt.matches
    assert rebuilt.content_hash_matches


def test_the_change_table_of_a_recipe_has_no_values(zenodo, acled):
    _, store, version = acled
    publish_to_zenodo(version, store=store, http=zenodo.http())
    (record,) = zenodo.server.published()
    table = pq.read_table(io.BytesIO(zenodo.server.buckets[record["bucket"]][RECIPE_CHANGES]))
    assert table.column_names == ["table", "record_id", "change", "column"]
    assert table.num_rows == len(libyaevents.load(version, store=store).changes())


def test_forcing_the_rows_out_is_refused_with_the_reason(zenodo, acled, capsys):
    _, store, version = acled
    with pytest.raises(InputError, match=r"may not be published with its rows.*ACLED-terms"):
        publish_to_zenodo(version, store=store, rows=True, http=zenodo.http())
    code = main(["release", "publish", version, "--store", str(store), "--to", "zenodo",
                 "--contents", "data"])  # fmt: skip
    assert code == 2
    assert "may not be redistributed" in capsys.readouterr().err
    assert zenodo.server.depositions == {}


def test_a_restricted_release_without_fingerprints_has_no_recipe(zenodo, acled, tmp_path):
    _, store, version = acled
    data = libyaevents.load(version, store=store)
    manifest = dict(data.manifest)
    other = tmp_path / "plain"
    libyaevents.build_release(data.tables(), "1.0.0", store=other, today="2026-12-01")
    path = other / "1.0.0" / "datapackage.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    written["licenses"], written["x-redistributable"] = manifest["licenses"], False
    path.write_text(json.dumps(written), encoding="utf-8")
    LocalStore(other).write_index()
    with pytest.raises(InputError, match="no fingerprints file"):
        publish_to_zenodo("1.0.0", store=other, http=zenodo.http())
    assert zenodo.server.depositions == {}  # refused before any draft was made


def test_an_incremental_snapshot_publishes_its_whole_fingerprints_and_reproduces(
    zenodo, acled, tmp_path
):
    server, store, _ = acled
    row = dict(next(r for r in server.rows if r["event_id_cnty"].endswith("7")))
    newest = max(int(r["timestamp"]) for r in server.rows)
    row.update(fatalities=str(int(row["fatalities"]) + 2), timestamp=str(newest + 60))
    server.upsert(row)
    done = libyaevents.sync(store, "acled", client=client_of(server), country="Libya", limit=50)
    manifest = json.loads((store / done.version / "datapackage.json").read_text())
    assert any("x-layers" in r for r in manifest["resources"])  # written as layers
    mine = libyaevents.reproduce(store / done.version / "datapackage.json",
                                 store=tmp_path / "again", client=client_of(server))  # fmt: skip
    assert mine.matches
    assert mine.content_hash_matches
    published = publish_to_zenodo(done.version, store=store, http=zenodo.http())
    (record,) = zenodo.server.published()
    held = zenodo.server.buckets[record["bucket"]]
    prints = pq.read_table(io.BytesIO(held["fingerprints.parquet"]))
    assert prints.num_rows == 150
    assert published.recipe_only
