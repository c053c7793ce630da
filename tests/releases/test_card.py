"""Data cards and store index pages: what they show equals the release; data is always text."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import InputError
from libyaevents.releases.card import render_card, write_store_page
from libyaevents.synthetic import synthetic_dataset


def _between(page: str, ident: str) -> str:
    """The text of the element with ``id=ident`` (tags and markup stripped)."""
    found = re.search(rf'id="{ident}"[^>]*>(.*?)</', page, re.S)
    assert found, ident
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "store"
    data = synthetic_dataset(400, seed=2)
    libyaevents.build_release(data, "1.0.0", store=folder, card=True)
    data["events"].loc[7, "fatalities"] = 31
    data["events"] = data["events"].drop(index=9)
    libyaevents.build_release(data, "1.1.0", store=folder, card=True)
    return folder


def test_build_writes_a_listed_card_whose_figures_are_the_release(store):
    release = libyaevents.load("1.1.0", store=store)
    page = (store / "1.1.0" / "card.html").read_text(encoding="utf-8")
    listed = {r["name"]: r for r in release.manifest["resources"]}
    assert listed["card"]["mediatype"] == "text/html"
    assert libyaevents.verify_release("1.1.0", store=store).ok
    assert _between(page, "version") == "1.1.0"
    assert _between(page, "event-count") == f"{len(release.events):,}"
    assert _between(page, "fatality-count") == f"{int(release.events['fatalities'].sum()):,}"
    assert _between(page, "actor-count") == str(len(release.actors))
    assert _between(page, "events-sha256") == listed["events"]["hash"].removeprefix("sha256:")
    for section in ("motivation", "composition", "collection", "preprocessing", "uses",
                    "distribution", "maintenance"):  # fmt: skip
        assert f'<section id="{section}">' in page
    months = release.events["event_date"].dt.to_period("M").astype("str").value_counts()
    table = page[page.index('id="by-month"') :]
    first = months.sort_index().index[0]
    assert f"<td><bdi>{first}</bdi></td><td><bdi>{months[first]}</bdi></td>" in table
    assert "<script" not in page  # a static page: nothing to run, nothing fetched
    assert not re.search(r'(src|href)="https?://', page)
    changes = page[page.index('id="changes"') :]
    assert "LBY8" in changes
    assert "fatalities" in changes
    assert "31" in changes
    assert "LBY10" in changes
    assert "deleted" in changes


def test_a_card_that_was_altered_fails_verification(store):
    card = store / "1.1.0" / "card.html"
    card.write_text(card.read_text(encoding="utf-8").replace("1.1.0", "9.9.9"), encoding="utf-8")
    found = libyaevents.verify_release("1.1.0", store=store)
    assert "card.html" in " ".join(found.messages())


def test_the_store_page_lists_every_version_newest_first_with_links(store):
    page = (store / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td><b>([0-9.]+)</b>", page)
    assert rows == ["1.1.0", "1.0.0"]
    assert 'href="1.1.0/card.html"' in page
    assert 'href="1.0.0/events.parquet"' in page
    assert 'href="releases.json"' in page


def test_every_value_from_the_data_is_text_not_markup():
    data = synthetic_dataset(30, seed=5)
    hostile = '<script>alert("x")</script> & "quoted" \'single\''
    arabic = "\u200fكتيبة \u200fالكانيات"  # right-to-left marks around an Arabic name
    data["actors"].loc[0, "name"] = hostile
    data["actors"].loc[1, "name"] = arabic
    data["events"].loc[0, "notes"] = "<img src=x onerror=alert(1)> " + arabic
    manifest = {"version": '1.0.0"><script>', "title": "<b>t</b>", "resources": [],
                "x-parent-version": "<p>",
                "licenses": [{"title": "<i>l</i>", "path": "javascript:alert(1)"}]}  # fmt: skip
    changes = pd.DataFrame({"table": ["events"], "record_id": ["<x>"], "change": ["added"],
                            "column": [None], "old": [None], "new": [None]})  # fmt: skip
    page = render_card(manifest, data, changes)
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "<b>t</b>" not in page
    assert "<i>l</i>" not in page
    assert html.escape(hostile, quote=True) in page
    assert f"<bdi>{arabic}</bdi>" in page  # isolated, shown as it is
    assert 'href="javascript' not in page
    assert "&lt;x&gt;" in page


def test_card_command_and_write_card(tmp_path, store, capsys):
    out = tmp_path / "card"
    assert main(["card", "0.1.0", "-o", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    bundled = libyaevents.load("0.1.0")
    assert _between(page, "event-count") == str(len(bundled.events))
    assert "Verified" in _between(page, "verified")
    statuses = bundled.measures["status"].astype("str").value_counts()
    for status, n in statuses.items():
        assert f"{n} {status}" in page
    assert main(["card", "--index", "--store", str(store)]) == 0
    assert main(["card", "0.1.0"]) == 2
    assert "needs -o" in capsys.readouterr().err
    with pytest.raises(InputError, match="loaded in full"):
        libyaevents.write_card(libyaevents.load("0.1.0", columns=["event_id_cnty"]),
                               output=tmp_path / "x")  # fmt: skip


def test_a_store_page_is_written_into_a_local_store_only():
    pytest.importorskip("pooch", reason="a URL is a remote store: the remote extra (pooch)")
    with pytest.raises(InputError, match="local store"):
        write_store_page("https://example.org/store")


def test_a_snapshot_card_says_where_and_when_it_was_pulled(tmp_path):
    export = tmp_path / "a.csv"
    libyaevents.write_acled(synthetic_dataset(50, seed=1), export)
    done = libyaevents.sync(tmp_path / "s", "file", path=export, card=True)
    assert (tmp_path / "s" / done.version / "card.html").is_file()
    assert (tmp_path / "s" / "index.html").is_file()
    page = libyaevents.write_card(done.version, store=tmp_path / "s", output=tmp_path / "c")
    text = page.read_text(encoding="utf-8")
    assert "accessed" in text
    assert done.snapshot["accessed"] in text
    assert "ACLED Terms of Use" in text
    manifest = json.loads((tmp_path / "s" / done.version / "datapackage.json").read_text())
    assert manifest["licenses"][0]["name"] == "ACLED-terms-of-use"


def test_the_store_page_is_written_where_o_says_with_links_back_to_the_store(tmp_path, capsys):
    export = tmp_path / "a.csv"
    libyaevents.write_acled(synthetic_dataset(30, seed=2), export)
    store = tmp_path / "store"
    done = libyaevents.sync(store, "file", path=export, card=True)
    before = (store / "index.html").read_bytes()
    site = tmp_path / "site" / "pages"
    assert main(["card", "--index", "--store", str(store), "-o", str(site)]) == 0
    assert capsys.readouterr().out == f"wrote {site / 'index.html'}\n"
    assert (store / "index.html").read_bytes() == before  # the store is not written
    page = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    assert f"../../store/{done.version}/card.html" in links
    assert "../../store/releases.json" in links
    for link in (k for k in links if not k.startswith("data:")):  # each resolves from the page
        assert (site / link).resolve().is_file(), link
    (tmp_path / "a-file").write_text("")
    assert main(["card", "--index", "--store", str(store), "-o", str(tmp_path / "a-file")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
