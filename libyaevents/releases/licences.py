"""Whether a release's data may be redistributed, from its source's licence.

Every manifest built now says so itself in ``x-redistributable`` (a Data Package
v2 custom property, beside ``x-citation``); an older manifest without it is
judged from its ``licenses`` and, failing that, from the source its snapshot
record names. The project's coded data and UCDP GED are CC BY 4.0 (shared
with attribution); ACLED's terms let researchers keep data but not
redistribute it. A licence this table does not know is treated as not
redistributable: publishing then shares the recipe (manifest and
fingerprints), never the rows.

Examples
--------
>>> redistribution({"licenses": [{"name": "CC-BY-4.0"}]}).allowed
True
>>> found = redistribution({"x-snapshot": {"source": "acled"}})
>>> found.allowed, found.licence
(False, 'ACLED-terms-of-use')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["REDISTRIBUTABLE", "REDISTRIBUTION_FIELD", "Redistribution", "redistribution"]

#: The manifest property that says whether the data may be redistributed.
REDISTRIBUTION_FIELD: Final = "x-redistributable"

#: Licences by their Data Package ``name``: may data under it be redistributed?
REDISTRIBUTABLE: Final[Mapping[str, bool]] = {
    "CC-BY-4.0": True,
    "CC0-1.0": True,
    "ODC-BY-1.0": True,
    "ODbL-1.0": True,
    "ACLED-terms-of-use": False,
}

#: The licence a snapshot's source puts its data under (for manifests that name none).
_SOURCE_LICENCE: Final = {"acled": "ACLED-terms-of-use", "ucdp": "CC-BY-4.0"}


@dataclass(frozen=True, kw_only=True)
class Redistribution:
    """Whether a release may be shared, and why.

    Attributes
    ----------
    allowed : bool
        True when its data may be redistributed (published in full).
    licence : str
        The licence name the answer rests on (``unknown`` when none is named).
    reason : str
        One sentence for people: which licence, and where the answer came from.
    """

    allowed: bool
    licence: str
    reason: str


def _names(licences: Any) -> list[str]:
    if not isinstance(licences, Iterable) or isinstance(licences, str | Mapping):
        return []
    return [str(lic.get("name")) for lic in licences if isinstance(lic, Mapping)]


def allowed_by(licences: Any) -> bool:
    """True when every licence is known and allows redistribution (none named: False).

    Examples
    --------
    >>> allowed_by([{"name": "CC-BY-4.0"}]), allowed_by([{"name": "Proprietary"}]), allowed_by([])
    (True, False, False)
    """
    names = _names(licences)
    return bool(names) and all(REDISTRIBUTABLE.get(n, False) for n in names)


def _said(allowed: bool, licence: str, where: str) -> str:
    verdict = "may be redistributed" if allowed else "may not be redistributed"
    return f"The data {verdict} ({licence}, {where})."


def redistribution(manifest: Mapping[str, Any]) -> Redistribution:
    """Whether the release a manifest describes may be redistributed, and why.

    The manifest's own ``x-redistributable`` wins; otherwise its licences
    decide; otherwise the source its ``x-snapshot`` names; otherwise no.
    """
    names = _names(manifest.get("licenses"))
    licence = names[0] if len(names) == 1 else " + ".join(names) or "unknown"
    stated = manifest.get(REDISTRIBUTION_FIELD)
    if isinstance(stated, bool):
        said = _said(stated, licence, REDISTRIBUTION_FIELD)
        return Redistribution(allowed=stated, licence=licence, reason=said)
    if names:
        allowed = allowed_by(manifest.get("licenses"))
        said = _said(allowed, licence, "from its licences")
        return Redistribution(allowed=allowed, licence=licence, reason=said)
    snapshot = manifest.get("x-snapshot")
    source = snapshot.get("source") if isinstance(snapshot, Mapping) else None
    known = _SOURCE_LICENCE.get(str(source))
    if known is not None:
        allowed = REDISTRIBUTABLE[known]
        said = _said(allowed, known, f"the terms of {source}")
        return Redistribution(allowed=allowed, licence=known, reason=said)
    said = "The manifest names no licence: the data is not redistributed (recipe only)."
    return Redistribution(allowed=False, licence="unknown", reason=said)
