"""libyaevents: conflict and political events in Libya, coded in the style of ACLED.

Schemas for events, actors and measures, one validation call that reports every
failure as data, loaders and versioned releases.

Examples
--------
>>> import libyaevents
>>> sorted(libyaevents.TABLES)
['actors', 'events', 'measures']
"""

from libyaevents._version import __version__
from libyaevents.analysis.matching import Comparison, compare_events
from libyaevents.analysis.panels import aggregate
from libyaevents.dataset import Dataset
from libyaevents.errors import (
    AccessDeniedError,
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
    ValidationError,
)
from libyaevents.inputs import open_dataset
from libyaevents.live.acled import fetch_acled, fetch_acled_deleted, fetch_acled_lookup
from libyaevents.live.pulls import Pulled
from libyaevents.live.ucdp import fetch_ucdp_ged
from libyaevents.readers.account import Loaded
from libyaevents.readers.acled import read_acled, write_acled
from libyaevents.readers.coded import Sources, read_sources
from libyaevents.readers.ucdp import read_ucdp_ged
from libyaevents.releases.release import (
    Release,
    VerifyResult,
    build_release,
    diff,
    list_releases,
    load,
    verify_release,
    write_card,
)
from libyaevents.releases.summary import Summary, summarise
from libyaevents.schema.models import arrow_schema, pandera_schema
from libyaevents.schema.tables import ACTORS, EVENTS, MEASURES, TABLES
from libyaevents.snapshots.reproduce import Reproduced, reproduce
from libyaevents.snapshots.revisions import Revisions, history, revisions, stability
from libyaevents.snapshots.sync import Synced, sync
from libyaevents.validation.validator import RULE_CODES, ValidationReport, validate

__all__ = [
    "ACTORS",
    "EVENTS",
    "MEASURES",
    "RULE_CODES",
    "TABLES",
    "AccessDeniedError",
    "ApiError",
    "AuthenticationError",
    "Comparison",
    "Dataset",
    "InputError",
    "IntegrityError",
    "LibyaeventsError",
    "Loaded",
    "Pulled",
    "QuotaExceededError",
    "ReadError",
    "Release",
    "ReleaseError",
    "ReleaseExistsError",
    "ReleaseNotFoundError",
    "Reproduced",
    "Revisions",
    "Sources",
    "Summary",
    "Synced",
    "ValidationError",
    "ValidationReport",
    "VerifyResult",
    "__version__",
    "aggregate",
    "arrow_schema",
    "build_release",
    "compare_events",
    "diff",
    "fetch_acled",
    "fetch_acled_deleted",
    "fetch_acled_lookup",
    "fetch_ucdp_ged",
    "history",
    "list_releases",
    "load",
    "open_dataset",
    "pandera_schema",
    "read_acled",
    "read_sources",
    "read_ucdp_ged",
    "reproduce",
    "revisions",
    "stability",
    "summarise",
    "sync",
    "validate",
    "verify_release",
    "write_acled",
    "write_card",
]
