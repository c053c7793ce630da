"""The coding desk: from a report to reviewed, double-coded events.

A report becomes a skeleton of numbered, fingerprinted paragraphs; a coder's events
are checked against the manual's conventions and the registries; two codings of the
same reports are aligned by content and their agreement measured with Krippendorff's
alpha; an adjudicator's decisions merge them into the coding a release is built from.
"""
