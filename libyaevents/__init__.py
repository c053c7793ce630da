"""libyaevents: conflict and political events in Libya, coded in the style of ACLED.

Schemas for events, actors and measures, one validation call that reports every
failure as data, loaders and versioned releases.

Examples
--------
>>> import libyaevents
>>> sorted(libyaevents.TABLES)
['actors', 'events', 'measures']
"""

import importlib
from typing import TYPE_CHECKING

from libyaevents._version import __version__
from libyaevents.errors import (
    AccessDeniedError,
    AdjudicationError,
    ApiError,
    AuthenticationError,
    InputError,
    IntegrityError,
    LibyaeventsError,
    QuotaExceededError,
    ReadError,
    ReleaseError,
    ReleaseExistsError,
    ReleaseNotFoundError,
    ReportExistsError,
    StoreBusyError,
    ValidationError,
)
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, TABLES

#: Where each public name the package imports on first use lives. A script that
#: only loads a release does not execute the readers, the API clients, the
#: snapshots or the comparison (SPEC 1's lazy loading; type checkers see the
#: imports below).
_LAZY = {
    "libyaevents.analysis.matching": ("Comparison", "compare_events"),
    "libyaevents.analysis.panels": ("aggregate",),
    "libyaevents.coding.agreement": ("Agreement", "agree_codings"),
    "libyaevents.coding.alpha": ("bootstrap_alpha", "krippendorff_alpha"),
    "libyaevents.coding.check": ("check_coding",),
    "libyaevents.coding.merge": ("Adjudication", "adjudicate"),
    "libyaevents.coding.skeleton": ("new_report",),
    "libyaevents.coding.synthetic": ("synthetic_codings",),
    "libyaevents.dataset": ("Dataset",),
    "libyaevents.inputs": ("open_dataset",),
    "libyaevents.live.acled": ("fetch_acled", "fetch_acled_deleted", "fetch_acled_lookup"),
    "libyaevents.live.pulls": ("Pulled",),
    "libyaevents.live.ucdp": ("fetch_ucdp_ged",),
    "libyaevents.publishing.publish": ("Published", "publish_to_zenodo"),
    "libyaevents.readers.account": ("Loaded",),
    "libyaevents.readers.acled": ("read_acled", "write_acled"),
    "libyaevents.readers.coded": ("Sources", "read_sources"),
    "libyaevents.readers.ucdp": ("read_ucdp_ged",),
    "libyaevents.releases.build": ("build_release",),
    "libyaevents.releases.checks": ("VerifyResult",),
    "libyaevents.releases.loading": ("Release", "load"),
    "libyaevents.releases.release": ("diff", "list_releases", "write_card"),
    "libyaevents.releases.summary": ("Summary", "summarise"),
    "libyaevents.releases.verify": ("verify_release",),
    "libyaevents.schema.models": ("arrow_schema", "pandera_schema"),
    "libyaevents.snapshots.reproduce": ("Reproduced", "reproduce"),
    "libyaevents.snapshots.revisions": ("Revisions", "history", "revisions", "stability"),
    "libyaevents.snapshots.sync": ("Synced", "sync"),
    "libyaevents.validation.validator": ("RULE_CODES", "ValidationReport", "validate"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

if TYPE_CHECKING:
    from libyaevents.analysis.matching import Comparison, compare_events
    from libyaevents.analysis.panels import aggregate
    from libyaevents.coding.agreement import Agreement, agree_codings
    from libyaevents.coding.alpha import bootstrap_alpha, krippendorff_alpha
    from libyaevents.coding.check import check_coding
    from libyaevents.coding.merge import Adjudication, adjudicate
    from libyaevents.coding.skeleton import new_report
    from libyaevents.coding.synthetic import synthetic_codings
    from libyaevents.dataset import Dataset
    from libyaevents.inputs import open_dataset
    from libyaevents.live.acled import fetch_acled, fetch_acled_deleted, fetch_acled_lookup
    from libyaevents.live.pulls import Pulled
    from libyaevents.live.ucdp import fetch_ucdp_ged
    from libyaevents.publishing.publish import Published, publish_to_zenodo
    from libyaevents.readers.account import Loaded
    from libyaevents.readers.acled import read_acled, write_acled
    from libyaevents.readers.coded import Sources, read_sources
    from libyaevents.readers.ucdp import read_ucdp_ged
    from libyaevents.releases.build import build_release
    from libyaevents.releases.checks import VerifyResult
    from libyaevents.releases.loading import Release, load
    from libyaevents.releases.release import diff, list_releases, write_card
    from libyaevents.releases.summary import Summary, summarise
    from libyaevents.releases.verify import verify_release
    from libyaevents.schema.models import arrow_schema, pandera_schema
    from libyaevents.snapshots.reproduce import Reproduced, reproduce
    from libyaevents.snapshots.revisions import Revisions, history, revisions, stability
    from libyaevents.snapshots.sync import Synced, sync
    from libyaevents.validation.validator import RULE_CODES, ValidationReport, validate
else:

    def __getattr__(name: str) -> object:
        """Import a public name's module on first use (PEP 562), then keep the name."""
        home = _HOME.get(name)
        if home is None:
            msg = f"module 'libyaevents' has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))


__all__ = [
    "ACTORS",
    "EVENTS",
    "MEASURES",
    "RULE_CODES",
    "TABLES",
    "AccessDeniedError",
    "Adjudication",
    "AdjudicationError",
    "Agreement",
    "ApiError",
    "AuthenticationError",
    "Comparison",
    "Dataset",
    "InputError",
    "IntegrityError",
    "LibyaeventsError",
    "Loaded",
    "Published",
    "Pulled",
    "QuotaExceededError",
    "ReadError",
    "Release",
    "ReleaseError",
    "ReleaseExistsError",
    "ReleaseNotFoundError",
    "ReportExistsError",
    "Reproduced",
    "Revisions",
    "Sources",
    "StoreBusyError",
    "Summary",
    "Synced",
    "ValidationError",
    "ValidationReport",
    "VerifyResult",
    "__version__",
    "adjudicate",
    "aggregate",
    "agree_codings",
    "arrow_schema",
    "bootstrap_alpha",
    "build_release",
    "check_coding",
    "compare_events",
    "diff",
    "fetch_acled",
    "fetch_acled_deleted",
    "fetch_acled_lookup",
    "fetch_ucdp_ged",
    "history",
    "krippendorff_alpha",
    "list_releases",
    "load",
    "new_report",
    "open_dataset",
    "pandera_schema",
    "publish_to_zenodo",
    "read_acled",
    "read_sources",
    "read_ucdp_ged",
    "reproduce",
    "revisions",
    "stability",
    "summarise",
    "sync",
    "synthetic_codings",
    "validate",
    "verify_release",
    "write_acled",
    "write_card",
]
