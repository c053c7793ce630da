"""Zenodo misbehaving: each fault ends in a retry that works or a clear error, nothing half-done."""

from __future__ import annotations

import json
import logging

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import ApiError, IntegrityError
from libyaevents.publishing.publish import publish_to_zenodo
from libyaevents.releases.stores import PUBLISHED
from tests.fake_apis import Fault
from tests.fake_zenodo import TOKEN

BUCKET = "/api/files/bucket-101"  # the first deposition's bucket


def _index(store):
    return json.loads((store / "releases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "fault",
    [
        Fault(f"{BUCKET}/events.parquet", 1, "status", status=503, body="Service Unavailable"),
        Fault(f"{BUCKET}/actors.parquet", 1, "status", status=429, body="Too many requests",
              headers={"Retry-After": "1"}),
        Fault(f"{BUCKET}/measures.parquet", 1, "drop"),
    ],
    ids=["5xx-mid-upload", "429-retry-after", "dropped-connection"],
)  # fmt: skip
def test_a_passing_fault_is_retried_and_the_upload_streamed_again(zenodo, coded, fault):
    zenodo.server.faults.append(fault)
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert zenodo.server.requests_to(fault.path) == 2
    back = libyaevents.load("0.1.0", store=f"doi:{done.doi}")  # the retried body arrived whole
    assert back.manifest == libyaevents.load("0.1.0", store=coded).manifest


def test_an_upload_that_arrives_truncated_stops_before_publishing(zenodo, coded):
    zenodo.server.truncate.add("events.parquet")
    with pytest.raises(IntegrityError, match=r"events\.parquet: Zenodo reports checksum md5:.*"
                       r"Nothing was published; run the same command again"):  # fmt: skip
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert zenodo.server.published() == []
    assert _index(coded)[PUBLISHED]["0.1.0"]["state"] == "draft"
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())  # the same draft, fixed
    assert list(zenodo.server.depositions) == [done_id(done)]
    assert libyaevents.verify_release("0.1.0", store=f"doi:{done.doi}").ok


def done_id(done):
    return int(done.doi.rsplit(".", 1)[1])


@pytest.mark.parametrize("index_lost", [False, True])
def test_a_draft_left_by_an_interrupted_run_is_continued(zenodo, coded, index_lost):
    path = f"{BUCKET}/measures.parquet"
    zenodo.server.faults.append(Fault(path, 1, "status", status=502, times=10))
    with pytest.raises(ApiError, match=r"upload of measures\.parquet: HTTP 502 after 3 retries"):
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert zenodo.server.published() == []
    before = list(zenodo.server.uploads)
    assert "measures.parquet" not in before
    if index_lost:  # the run died before it could note its draft: found by listing
        index = _index(coded)
        del index[PUBLISHED]
        (coded / "releases.json").write_text(json.dumps(index), encoding="utf-8")
    zenodo.server.faults.clear()
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert len(zenodo.server.depositions) == 1  # no second draft
    resent = zenodo.server.uploads[len(before) :]
    assert "measures.parquet" in resent
    assert not set(resent) & set(before)  # files already held with their md5 are not sent again
    assert libyaevents.verify_release("0.1.0", store=f"doi:{done.doi}").ok


def test_a_bucket_that_lists_another_checksum_stops_before_publishing(zenodo, coded):
    zenodo.server.lies["actors.parquet"] = "md5:" + "0" * 32
    with pytest.raises(IntegrityError, match=r"actors\.parquet: Zenodo reports checksum md5:0{32}"):
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert zenodo.server.published() == []


def test_a_record_that_lists_another_checksum_is_not_loaded(zenodo, coded):
    done = publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    zenodo.server.lies["events.parquet"] = "md5:" + "1" * 32
    with pytest.raises(IntegrityError, match=r"events\.parquet does not match the checksum"):
        libyaevents.load("0.1.0", store=f"doi:{done.doi}")


def test_a_publish_refused_by_zenodo_leaves_a_draft_and_an_error(zenodo, coded):
    done_path = "/api/deposit/depositions/101/actions/publish"
    zenodo.server.faults.append(Fault(done_path, 1, "status", status=400,
                                      body='{"message": "Validation error."}'))  # fmt: skip
    with pytest.raises(ApiError, match=r"publishing of 101: HTTP 400.*Validation error"):
        publish_to_zenodo("0.1.0", store=coded, http=zenodo.http())
    assert zenodo.server.published() == []
    assert publish_to_zenodo("0.1.0", store=coded, http=zenodo.http()).doi == "10.5281/zenodo.101"


def test_the_token_is_never_printed_logged_or_written(zenodo, coded, tmp_path, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    zenodo.server.faults.append(Fault(f"{BUCKET}/events.parquet", 1, "status", status=500))
    args = ["release", "publish", "0.1.0", "--store", str(coded), "--to", "zenodo"]
    assert main(args) == 0
    assert main(args) == 0  # already published
    out = capsys.readouterr()
    assert "already published" in out.out
    doi = _index(coded)[PUBLISHED]["0.1.0"]["doi"]
    assert main(["summary", "0.1.0", "--store", f"doi:{doi}"]) == 0
    data = libyaevents.load("0.1.0", store=coded)
    more = data.events.assign(fatalities=data.events["fatalities"] + 1)
    libyaevents.build_release({**data.tables(), "events": more}, "0.2.0", store=coded)
    zenodo.server.token = "another"  # the token is refused from now on
    assert main([*args[:2], "0.2.0", *args[3:]]) == 2
    refused = capsys.readouterr()
    assert "refused the token (HTTP 401" in refused.err
    texts = [out.out, out.err, *refused, caplog.text]
    texts += [str(r.args) for r in caplog.records]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 10
    for path in written:
        assert TOKEN.encode() not in path.read_bytes(), path
    for text in texts:
        assert TOKEN not in text
