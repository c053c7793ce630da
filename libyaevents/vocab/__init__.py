"""Closed vocabularies: the data every schema and rule is built from.

This layer imports nothing else from the package but its errors.

Modules
-------
taxonomy
    Event types, sub-event types, disorder types, civilian targeting.
actortypes
    Actor types (inter codes) and the interaction lookup, numeric and text.
codes
    Time and geo precision codes, the source_scale grammar.
gazetteer
    Libya's admin1 regions, districts, aliases and bounding box.
measures
    Measure types and statuses.
priogrid
    PRIO-GRID cells: ids from coordinates, rows, columns, centres and edges.
"""

from libyaevents.vocab import actortypes, codes, gazetteer, measures, priogrid, taxonomy

__all__ = ["actortypes", "codes", "gazetteer", "measures", "priogrid", "taxonomy"]
