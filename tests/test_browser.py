"""Pages checked in a real browser: headless Chromium (Debian's package) driven by Playwright.

A store with data cards is served by a local http.server on 127.0.0.1; the
browser opens the store's index page and a card, and the test checks: no console
error or page error, every link on the page resolves (no 404 from the server),
the key figures on the page equal the release's own, and a screenshot is saved
(to ``$LIBYAEVENTS_ARTEFACTS`` when set, the CI artefact folder). Skipped, with
the reason, where Chromium or Playwright is not installed.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import libyaevents
import libyaevents.readers.coded
from libyaevents.releases.card import render_card
from libyaevents.releases.changes import diff_tables
from libyaevents.synthetic import synthetic_dataset

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)"
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-dev-shm-usage", "--no-first-run"]  # fmt: skip


SITE = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"


class _Quiet(SimpleHTTPRequestHandler):
    statuses: list[tuple[str, int]]

    def log_message(self, *args: object) -> None:
        return

    def log_request(self, code: object = "-", size: object = "-") -> None:
        self.statuses.append((self.path, int(str(code)) if str(code).isdigit() else 0))


def _serve(folder: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """A static server of ``folder`` on 127.0.0.1, and the status of every request it answered."""
    statuses: list[tuple[str, int]] = []
    handler = type("Handler", (_Quiet,), {"statuses": statuses})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", statuses
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, Path, list[tuple[str, int]]]]:
    store = tmp_path / "store"
    data = synthetic_dataset(300, seed=9)
    libyaevents.build_release(data, "1.0.0", store=store, card=True)
    data["events"].loc[4, "fatalities"] = 17
    libyaevents.build_release(data, "1.1.0", store=store, card=True)
    for base, statuses in _serve(store):
        yield base, store, statuses


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, url: str) -> tuple[object, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(url)
    assert response is not None
    assert response.status == 200
    return page, errors


def _links_resolve(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in hrefs:
        assert href.startswith(base), href  # nothing outside the local server
        with urllib.request.urlopen(href, timeout=10) as reply:  # loopback only
            assert reply.status == 200, href
    return hrefs


def _screenshot(page, name: str, tmp_path: Path, *, full_page: bool = True) -> Path:
    """Save a screenshot (an artefact for people); the page's own checks are the test.

    A generous timeout: on a loaded 2-core machine a long page takes a while to paint.
    """
    folder = Path(os.environ.get("LIBYAEVENTS_ARTEFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    page.screenshot(path=str(target), full_page=full_page, timeout=120_000)
    assert target.stat().st_size > 10_000
    return target


def test_the_store_index_and_a_card_render_without_errors_and_say_what_the_release_holds(
    served, browser, tmp_path
):
    base, store, statuses = served
    index, errors = _open(browser, f"{base}/index.html")
    versions = index.eval_on_selector_all("#versions b", "els => els.map(e => e.textContent)")
    assert versions == ["1.1.0", "1.0.0"]
    hrefs = _links_resolve(index, base)
    assert f"{base}/1.1.0/card.html" in hrefs
    _screenshot(index, "store-index.png", tmp_path)
    assert errors == []

    card, errors = _open(browser, f"{base}/1.1.0/card.html")
    release = libyaevents.load("1.1.0", store=store)
    sha = next(r["hash"] for r in release.manifest["resources"] if r["name"] == "events")
    assert card.inner_text("#version") == "1.1.0"
    assert card.inner_text("#event-count") == f"{len(release.events):,}"
    assert card.inner_text("#events-sha256") == sha.removeprefix("sha256:")
    assert card.locator("#timeline rect").count() > 0
    assert card.locator("#map circle").count() == len(release.events)
    assert card.locator("#map polygon").count() == 1  # Libya's outline
    assert "fatalities" in card.inner_text("#changes")
    _links_resolve(card, base)
    _screenshot(card, "card-1.1.0.png", tmp_path)
    assert errors == []
    assert [s for s in statuses if s[1] >= 400] == []  # no 404 anywhere


def test_a_hostile_name_shows_as_text_in_the_browser(tmp_path, browser):
    data = synthetic_dataset(20, seed=1)
    data["actors"].loc[0, "name"] = '<script>document.title="owned"</script>'
    data["actors"].loc[1, "name"] = "\u200fكتيبة الكانيات"
    page_file = tmp_path / "card.html"
    page_file.write_text(
        render_card({"version": "1.0.0", "resources": []}, data, diff_tables({}, data)),
        encoding="utf-8",
    )
    page, errors = _open_file(browser, page_file)
    assert page.title() != "owned"
    table = page.inner_text("#actors")
    assert '<script>document.title="owned"</script>' in table
    assert "كتيبة الكانيات" in table
    assert errors == []


def _open_file(browser, path: Path) -> tuple[object, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


def test_the_agreement_page_renders_offline_and_shows_hostile_values_as_text(tmp_path, browser):
    from tests.coding.test_report import HOSTILE, hostile_copy

    folders = [libyaevents.readers.coded.sources_folder(), hostile_copy(tmp_path)]
    agreement = libyaevents.agree_codings(folders, draws=100)
    page_file = tmp_path / "agreement.html"
    page_file.write_text(agreement.to_html(), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    assert page.title() == "Agreement of codings"  # the name's script never ran
    assert HOSTILE in page.inner_text("#disagreements")
    units = page.inner_text("#units")
    assert f"events\t{agreement.counts('events')['matched']}\t0\t0" in units
    fields = page.inner_text("#fields")
    assert "undefined (no variation)" in fields
    assert "nan" not in fields.lower()
    rows = page.locator("#disagreements tbody tr").count()
    assert rows == len(agreement.disagreements) > 0
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    _screenshot(page, "agreement.png", tmp_path)
    assert errors == []


@pytest.mark.skipif(
    not (SITE / "index.html").is_file(),
    reason="the docs site is not built (python -m sphinx -W -b html docs docs/_build/html)",
)
def test_the_docs_site_renders_offline_with_its_examples_and_api(browser, tmp_path):
    for base, statuses in _serve(SITE):
        outside: list[str] = []

        def record(request, base=base, outside=outside):
            if not request.url.startswith((base, "data:")):
                outside.append(request.url)

        for name in ("index.html", "examples.html", "api.html", "snapshots.html"):
            page, errors = _open(browser, f"{base}/{name}")
            page.on("request", record)
            page.reload()
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for href in {h.split("#")[0] for h in hrefs if h.startswith(base)}:
                with urllib.request.urlopen(href, timeout=10) as reply:  # loopback only
                    assert reply.status == 200, href
            broken = page.eval_on_selector_all(
                "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.src)"
            )
            assert broken == [], name
            assert errors == [], (name, errors, [s for s in statuses if s[1] != 200])
            # the first screen: the API reference runs to hundreds of screens
            _screenshot(page, f"docs-{name.replace('.html', '')}.png", tmp_path, full_page=False)
            if name == "examples.html":
                assert page.locator("img").count() >= 3  # the figures drawn at build time
            if name == "api.html":
                assert page.locator("[id='libyaevents.sync']").count() == 1
        assert outside == []  # the site needs no network
        assert [s for s in statuses if s[1] >= 400] == []
