"""The schema layer: field specs, the three canonical tables and what is generated from them.

Modules: :mod:`~libyaevents.schema.spec` (how a table is declared),
:mod:`~libyaevents.schema.tables` (events, actors, measures),
:mod:`~libyaevents.schema.models` (pandas dtypes, pandera and Arrow schemas),
:mod:`~libyaevents.schema.coerce` (bringing a frame to the canonical dtypes) and
:mod:`~libyaevents.schema.frictionless` (Frictionless Table Schema and the codebook).
Imports only :mod:`libyaevents.vocab` and the shared base modules.
"""
