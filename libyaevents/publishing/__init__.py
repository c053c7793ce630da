"""Publishing releases where research data is cited: Zenodo, with a DOI per version.

Open data is published in full; data whose licence forbids redistribution
(ACLED's terms) is published as its recipe, which ``libyaevents reproduce``
rebuilds with the reader's own account. See :mod:`libyaevents.publishing.publish`.
"""
