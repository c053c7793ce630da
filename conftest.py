"""The package's examples (doctests): those that need an optional extra skip, saying which.

Fixtures for the tests are in tests/conftest.py; this file only sees to the examples in
the package's docstrings, which pytest collects with ``--doctest-modules``.
"""

from __future__ import annotations

import importlib.util

import pytest

#: Docstrings (doctest items, by name) whose examples need an optional dependency:
#: name -> (import, extra).
EXAMPLES_NEED = {
    "libyaevents.analysis.plots": ("matplotlib", "plot"),
    "libyaevents.releases.stores": ("pooch", "remote"),  # the module's: an HTTP store
    "libyaevents.validation.partitioned": ("dask", "dask"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark a docstring's examples skipped when the extra they need is absent."""
    for item in items:
        if not isinstance(item, pytest.DoctestItem):
            continue
        need = EXAMPLES_NEED.get(item.name)
        if need and importlib.util.find_spec(need[0]) is None:
            reason = f"these examples need {need[0]} (the {need[1]} extra), not installed"
            item.add_marker(pytest.mark.skip(reason=reason))
