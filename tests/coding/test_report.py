"""The agreement for people: text and a self-contained, escaped HTML page."""

from __future__ import annotations

import re
import shutil

from libyaevents import agree_codings
from libyaevents.cli import main
from libyaevents.readers.coded import sources_folder

HOSTILE = '<script>document.title="owned"</script> & Sons'


def hostile_copy(tmp_path):
    """The seed coding again, with one actor renamed to markup and an ampersand."""
    copy = tmp_path / "b"
    shutil.copytree(sources_folder(), copy)
    actors = copy / "actors.toml"
    text = actors.read_text(encoding="utf-8")
    actors.write_text(
        text.replace('name = "Kaniyat Militia"', f"name = '{HOSTILE}'"), encoding="utf-8"
    )
    return copy


def test_the_page_escapes_every_value_and_needs_nothing_outside(tmp_path):
    agreement = agree_codings([sources_folder(), hostile_copy(tmp_path)], draws=50)
    page = agreement.to_html()
    assert page.startswith("<!doctype html>")
    assert "<script" not in page  # no markup of the data's, no script of the page's
    assert "&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt; &amp; Sons" in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # no external asset
    assert 'id="units"' in page
    assert 'id="fields"' in page
    assert 'id="disagreements"' in page
    assert "undefined (no variation)" in page
    assert "nan" not in page.lower()


def test_the_cli_writes_the_page(tmp_path, capsys):
    out = tmp_path / "agreement.html"
    folders = [str(sources_folder()), str(hostile_copy(tmp_path))]
    assert main(["code", "agree", *folders, "--draws", "20", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"wrote the agreement page to {out}" in said
    assert "actor2" in said  # the renamed actor is a disagreement on actor2
    assert "&amp; Sons" in out.read_text(encoding="utf-8")


def test_text_shows_a_missing_id_as_a_dash(tmp_path):
    from libyaevents import synthetic_codings

    made = synthetic_codings(tmp_path, events=12, seed=2, rates={}, dropped=1, added=1)
    text = agree_codings(made.folders, draws=0).summary()
    rows = [line.split() for line in text.splitlines() if " event " in line and "coded" in line]
    assert "nan" not in text.lower()
    assert {tuple(r[3:6]) for r in rows} == {
        ("event", made.dropped[0].ids["a"], "-"),
        ("event", "-", made.added[0].ids["b"]),
    }
