"""The analysis layer: what researchers compute from a dataset.

Modules: :mod:`~libyaevents.analysis.panels` (ACLED-style aggregates, indicators,
measures in force), :mod:`~libyaevents.analysis.grid` (events on PRIO-GRID cells and
their location problems), :mod:`~libyaevents.analysis.matching` (which events two datasets
share) and :mod:`~libyaevents.analysis.plots` (timeline and map).
"""
