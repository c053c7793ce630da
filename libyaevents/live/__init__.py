"""The live layer: clients for the ACLED and UCDP APIs, whose data changes every week.

Modules: :mod:`~libyaevents.live.http` (one HTTP session: retries, timeouts,
request budget, HTTPS only), :mod:`~libyaevents.live.credentials` (where
credentials and tokens come from and are kept), :mod:`~libyaevents.live.pulls`
(pages streamed to disk, resumed, de-duplicated, converted),
:mod:`~libyaevents.live.acled` and :mod:`~libyaevents.live.ucdp`. The clients
return the same canonical tables and row account as the file readers.
"""
