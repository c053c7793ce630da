"""A scripted history on the fake ACLED API: day 1 pull; day 2 adds, edits, deletes; day 3 none."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import pandas as pd
import pytest

import libyaevents
from libyaevents.live import pulls
from libyaevents.live.acled import AcledClient
from libyaevents.live.http import Http
from tests.fake_apis import FakeAcled, rows_from_csv
from tests.live.conftest import API_EXTRA, NO_API, acled_csv, private_dirs  # noqa: F401 (autouse)

DAY1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY2 = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
DAY3 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)


def client_of(server: FakeAcled) -> AcledClient:
    return AcledClient(username=server.username, password=server.password,
                       base_url=server.base_url, http=Http(backoff=0.01))  # fmt: skip


def events_of(rows: list[dict[str, str]]) -> pd.DataFrame:
    """What a reader makes of the rows the server holds: the truth a snapshot must equal."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return libyaevents.read_acled(io.StringIO(buffer.getvalue())).events


@dataclass
class History:
    """The fake server, a clock the pulls read, and the server's rows on each day."""

    server: FakeAcled
    store: str
    monkeypatch: pytest.MonkeyPatch
    states: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    edited: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def on(self, day: dt.datetime) -> None:
        self.monkeypatch.setattr(pulls, "utc_now", lambda: day)
        self.states[day.date().isoformat()] = copy.deepcopy(self.server.rows)

    def sync(self, **kw):
        kw.setdefault("limit", 100)
        return libyaevents.sync(self.store, "acled", client=client_of(self.server),
                                country="Libya", **kw)  # fmt: skip

    def day1_then_edits(self):
        """Sync day 1, script day 2's changes and set the clock to day 2; the first sync."""
        self.on(DAY1)
        first = self.sync()
        self.day2()
        self.on(DAY2)
        return first

    def row(self, event_id: str) -> dict[str, str]:
        return next(r for r in self.server.rows if r["event_id_cnty"] == event_id)

    def edit(self, event_id: str, stamp: int, **values: str) -> None:
        row = dict(self.row(event_id))
        self.edited[event_id] = {k: (row[k], v) for k, v in values.items()}
        row.update(values, timestamp=str(stamp))
        self.server.upsert(row)

    def day2(self) -> None:
        """Two events added, three edited, one held id deleted, one id outside the query deleted."""
        stamp = int(DAY2.timestamp()) - 3600
        self.server_newest_day1 = max(int(r["timestamp"]) for r in self.server.rows)
        ids = sorted((r["event_id_cnty"] for r in self.server.rows), key=lambda i: int(i[3:]))
        self.fatal, self.renamed, self.moved, self.gone = ids[10], ids[20], ids[30], ids[40]
        old = int(self.row(self.fatal)["fatalities"])
        self.edit(self.fatal, stamp, fatalities=str(old + 7))
        self.edit(self.renamed, stamp, actor1="Renamed Brigade of Test")
        here = self.row(self.moved)
        donor = next(r for r in self.server.rows if r["admin1"] != here["admin1"] and r["admin2"])
        self.edit(self.moved, stamp, admin1=donor["admin1"], admin2=donor["admin2"])
        for n, new_id in enumerate(("LBY90001", "LBY90002")):
            row = dict(self.row(ids[50 + n]), event_id_cnty=new_id, timestamp=str(stamp))
            self.server.upsert(row)
        self.deleted_row = dict(self.row(self.gone))
        self.server.delete(self.gone, stamp + 60)
        self.server.delete("TUN77", stamp + 120)  # another country's event: not in the query


@pytest.fixture
def history(tmp_path, monkeypatch):
    for name in API_EXTRA:  # the pulls go through the ACLED client
        pytest.importorskip(name, reason=NO_API)
    server = FakeAcled(rows_from_csv(acled_csv(400, seed=31)))
    server.base_url = server.start()
    yield History(server, str(tmp_path / "store"), monkeypatch)
    server.stop()
