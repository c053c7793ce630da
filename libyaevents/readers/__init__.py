"""The readers layer: files researchers hold, turned into the canonical tables with a row account.

Modules: :mod:`~libyaevents.readers.csvtext` (CSV as Arrow text, line numbers),
:mod:`~libyaevents.readers.conversions` (text to types, with rejects),
:mod:`~libyaevents.readers.assemble` (typed columns, rejects and caveats into a frame),
:mod:`~libyaevents.readers.account` (:class:`~libyaevents.Loaded`, what a reader read,
returned and reported), :mod:`~libyaevents.readers.registry` (actors from events),
:mod:`~libyaevents.readers.acled`, :mod:`~libyaevents.readers.ucdp`,
:mod:`~libyaevents.readers.coded` (the project's TOML sources) and
:mod:`~libyaevents.readers.detect` (which reader a file needs).
"""
