"""The seed report coded twice: the bundled coding (a) and an independent second one (b).

The adjudicator's decisions are kept in docs/coding/seed/adjudication/; merging the
two codings by them must give back the bundled coding, so the bundled data stays the
adjudicated coding, and the agreement figures in the docs stay the measured ones.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import libyaevents
from libyaevents.readers.coded import sources_folder
from tests.conftest import ROOT

SEED = ROOT / "docs" / "coding" / "seed"
REPORT = "f8806eb3f3e19e34.toml"


def _report(folder: Path) -> dict[str, object]:
    return tomllib.loads((folder / "reports" / REPORT).read_text(encoding="utf-8"))


def test_the_two_codings_of_the_seed_agree_as_the_manual_says():
    bundled = sources_folder()
    found = libyaevents.agree_codings([bundled, SEED / "coder-b"], draws=0).to_dict()
    assert found["events"] == {"matched": 7, "only_a": 0, "only_b": 0}
    assert found["measures"] == {"matched": 7, "only_a": 1, "only_b": 0}
    left = sorted((d["field"], d["ids"]["a"]) for d in found["disagreements"])
    assert left == [("legal_basis", "LBYM5"), ("legal_basis", "LBYM8"), ("measure", "LBYM6")]
    undefined = {f for f, v in found["fields"].items() if v["alpha"] is None}
    assert undefined == {"disorder_type", "event_type", "fatalities"}  # no variation


def test_the_kept_decisions_merge_the_codings_into_the_bundled_one(tmp_path):
    bundled = sources_folder()
    done = libyaevents.adjudicate(
        bundled, SEED / "coder-b", tmp_path / "merged",
        decisions=SEED / "adjudication" / "decisions.toml",
    )  # fmt: skip
    assert done.merged is not None
    assert _report(done.merged) == _report(bundled)
    kept = json.loads((SEED / "adjudication" / "agreement.json").read_text(encoding="utf-8"))
    merged = json.loads((done.merged / "adjudication" / "agreement.json").read_text("utf-8"))
    assert merged == kept
