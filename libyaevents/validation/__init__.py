"""The validation layer: one call that checks a whole dataset and returns every failure as data.

Modules: :mod:`~libyaevents.validation.validator` (the report and
:func:`~libyaevents.validate`) and :mod:`~libyaevents.validation.partitioned` (the same
rules partition by partition on Dask, global checks once).
"""
