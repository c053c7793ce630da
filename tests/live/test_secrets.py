"""Secrets: no password in a site root, tokens bound to their credentials, a wrong root named."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

import libyaevents
from libyaevents.cli import main
from libyaevents.errors import AuthenticationError, InputError
from libyaevents.live.acled import AcledClient, fetch_acled
from libyaevents.live.credentials import Secret, TokenCache
from libyaevents.live.http import Http
from tests.fake_apis import FakeAcled, rows_from_csv
from tests.live.conftest import acled_csv

PASSWORD = "Tr0ub4dor-and-3"  # URL-safe, so it can sit in a URL's userinfo
USER = "analyst@example.org"
READ = "/api/acled/read"


@pytest.fixture
def server():
    fake = FakeAcled(rows_from_csv(acled_csv(120, seed=9)), username=USER, password=PASSWORD)
    fake.base_url = fake.start()
    yield fake
    fake.stop()


def _client(server: FakeAcled, password: str = PASSWORD, **kw) -> AcledClient:
    return AcledClient(username=USER, password=password, base_url=server.base_url,
                       http=Http(backoff=0.01), **kw)  # fmt: skip


def _with_userinfo(server: FakeAcled) -> str:
    return server.base_url.replace("http://", f"http://analyst:{PASSWORD}@")


def _everything_written(*folders: Path) -> str:
    return "".join(
        p.read_bytes().decode("latin-1") for f in folders if f.exists() for p in f.rglob("*")
        if p.is_file()
    )  # fmt: skip


def test_a_site_root_with_credentials_is_refused_and_the_password_never_shown(
    server, tmp_path, private_dirs, monkeypatch, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    root = _with_userinfo(server)
    errors = []
    for call in (
        lambda: fetch_acled("Libya", base_url=root),
        lambda: libyaevents.sync(tmp_path / "store", "acled", country="Libya", base_url=root),
        lambda: AcledClient(username=USER, password=PASSWORD, base_url=root),
        lambda: libyaevents.fetch_ucdp_ged("25.1", token="t0k3n", base_url=root),
    ):
        with pytest.raises(InputError, match="credentials in it") as caught:
            call()
        errors.append(str(caught.value))
    assert "ACLED_USERNAME" in errors[0]
    assert "ACLED_PASSWORD" in errors[0]
    assert "UCDP_API_TOKEN" in errors[-1]
    commands = [
        ["fetch", "acled", "--country", "Libya", "--base-url", root,
         "-o", str(tmp_path / "out.parquet")],
        ["sync", "acled", "--country", "Libya", "--store", str(tmp_path / "store"),
         "--base-url", root],
        ["fetch", "ucdp", "25.1", "--base-url", root, "-o", str(tmp_path / "ged.parquet")],
    ]  # fmt: skip
    for argv in commands:
        assert main(argv) == 2
        printed = capsys.readouterr()
        assert "credentials in it" in printed.err
        errors += [printed.out, printed.err]
    assert server.requests_to("/oauth/token") == 0  # refused before any request
    written = _everything_written(tmp_path, private_dirs / "cache")
    for text in [*errors, caplog.text, written]:
        assert PASSWORD not in text


def test_a_different_password_logs_in_again_and_a_wrong_one_fails(server, private_dirs):
    pulled = fetch_acled("Libya", client=_client(server), limit=100)
    assert len(pulled.events) == 120
    assert server.requests_to("/oauth/token") == 1
    fetch_acled("Libya", client=_client(server), limit=100)
    assert server.requests_to("/oauth/token") == 1  # the cached token serves the same login
    with pytest.raises(AuthenticationError, match="refused the username and password"):
        fetch_acled("Libya", client=_client(server, password="not-the-password"), limit=100)
    assert server.requests_to("/oauth/token") == 2  # not the cached token: a login, refused
    server.password = "a-new-password"  # the account's password changed: its tokens too
    fetch_acled("Libya", client=_client(server, password="a-new-password"), limit=100)
    assert server.requests_to("/oauth/token") == 3
    written = _everything_written(private_dirs / "cache")
    assert "a-new-password" not in written
    assert PASSWORD not in written


def test_a_token_cache_others_can_read_is_not_used_and_is_rewritten_private(
    server, private_dirs, caplog
):
    fetch_acled("Libya", client=_client(server), limit=100)
    (cache,) = (private_dirs / "cache" / "tokens").glob("*.json")
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    cache.chmod(0o644)
    cache.parent.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="libyaevents"):
        fetch_acled("Libya", client=_client(server), limit=100)
        fetch_acled("Libya", client=_client(server), limit=100)
    said = [r.getMessage() for r in caplog.records if "readable by others" in r.getMessage()]
    assert len(said) == 1, caplog.text  # said once, then the file is private again
    assert str(cache) in said[0]
    assert server.requests_to("/oauth/token") == 2  # the exposed token was not used
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700


def test_the_cache_keeps_a_keyed_hash_of_the_credentials_never_the_password(tmp_path):
    cache = TokenCache.of(Secret(USER), Secret(PASSWORD), "https://acleddata.com")
    other = TokenCache.of(Secret(USER), Secret("another"), "https://acleddata.com")
    assert cache.path == other.path  # one file per account and site
    cache.write("access", "refresh", 3600)
    assert cache.read() is not None
    assert other.read() is None  # bound to the password that obtained the tokens
    text = cache.path.read_text()
    assert PASSWORD not in text
    assert USER not in text
    assert "credentials" in text


@pytest.mark.parametrize("path", ["/api/acled/read", "/api/acled/read/", "/oauth/token"])
def test_a_full_endpoint_is_not_a_site_root(server, path):
    with pytest.raises(InputError, match=r"not an ACLED site root: .* expected the site root"):
        AcledClient(username=USER, password=PASSWORD, base_url=server.base_url + path)
    assert server.requests_to("/oauth/token") == 0


def test_a_root_that_answers_404_at_oauth_token_is_a_wrong_site_root(
    server, tmp_path, capsys, monkeypatch
):
    wrong = server.base_url + "/acled"
    with pytest.raises(AuthenticationError, match="not an ACLED site root") as caught:
        fetch_acled("Libya", client=_client_at(wrong), limit=100)
    assert "refused" not in str(caught.value)
    assert "https://acleddata.com" in str(caught.value)
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    assert main(["fetch", "acled", "--base-url", wrong, "-o", str(tmp_path / "x.parquet")]) == 2
    assert "not an ACLED site root" in capsys.readouterr().err


def _client_at(root: str) -> AcledClient:
    return AcledClient(username=USER, password=PASSWORD, base_url=root, http=Http(backoff=0.01))
