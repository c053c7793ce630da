"""How a panel places events in its units: coded names, PRIO-GRID or H3 cells, or polygons.

:func:`~libyaevents.analysis.panels.aggregate` asks a :class:`Placement` for the
unit key of each event, for the events it counts apart (``attrs``), for the
units a zero fill covers and for the columns the finished panel carries. Coded
admin units need none of this; grid cells come from
:mod:`~libyaevents.analysis.grid` (spread over space with
:mod:`~libyaevents.analysis.spreading`), H3 cells from
:mod:`~libyaevents.analysis.hexagons`, polygons from
:mod:`~libyaevents.analysis.spatial`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

import numpy as np
import pandas as pd

from libyaevents.analysis.boundaries import Boundaries
from libyaevents.analysis.grid import GRID_LEVELS, PRIOGRID, cell_columns, grid_keys
from libyaevents.analysis.hexagons import H3_CELL, h3_columns, h3_keys, h3_resolution
from libyaevents.analysis.spatial import COUNTED_IN_ROWS, all_units, polygon_keys, with_unit_ids
from libyaevents.analysis.spreading import Areas, spread_areas, spread_cells
from libyaevents.arguments import choice
from libyaevents.errors import InputError

__all__ = ["ADMIN_POLYGON_LEVELS", "SPATIAL_MODES", "Placement"]

#: How admin units are found: the coded names, or the polygon the coordinates fall in.
SPATIAL_MODES: Final = ("coded", "polygon")

#: The levels ``spatial="polygon"`` applies to.
ADMIN_POLYGON_LEVELS: Final = ("admin1", "admin2")

_KEPT: Final = frozenset(COUNTED_IN_ROWS)


@dataclass
class Placement:
    """The units of one panel: its level, how units are found, its boundaries and cells."""

    level: str
    polygon: bool
    shapes: dict[str, Boundaries]
    area: np.ndarray | None
    spread: bool
    areas: Areas | None = None
    #: The H3 resolution of an ``h3:R`` level; None for other levels.
    resolution: int | None = None

    @classmethod
    def of(
        cls, level: str, spatial: str, shapes: dict[str, Boundaries], precision: str
    ) -> Placement:
        """The placement of a panel; an error for boundaries it would not use."""
        polygon = choice(spatial, "spatial", SPATIAL_MODES) == "polygon"
        grid = level in GRID_LEVELS
        resolution = h3_resolution(level)
        if resolution is not None and precision == "spread":
            msg = (
                f"precision='spread' is not available on H3 cells (level {level!r}): events "
                "are spread over space on PRIO-GRID only. Use level='priogrid' to spread, or "
                "precision='keep' or 'exclude' with H3."
            )
            raise InputError(msg)
        if polygon and (level not in ADMIN_POLYGON_LEVELS or level not in shapes):
            msg = (
                "spatial='polygon' needs level 'admin1' or 'admin2' and boundaries of that "
                f"level (read_boundaries(..., level={level!r})); got level {level!r} and "
                f"boundaries of {sorted(shapes) or 'no level'}."
            )
            raise InputError(msg)
        unused = sorted(set(shapes) - ({level} if polygon else set()))
        if unused and not (grid and precision == "spread"):
            msg = (
                f"boundaries of {unused} are not used by this panel: they are the units of "
                "spatial='polygon' and the areas of precision='spread' on a grid."
            )
            raise InputError(msg)
        spread = grid and precision == "spread"
        return cls(level, polygon, shapes, None, spread, resolution=resolution)

    @property
    def grid(self) -> bool:
        return self.level in GRID_LEVELS

    @property
    def cell_column(self) -> str | None:
        """The unit column of a panel of cells (PRIO-GRID or H3); None for other panels."""
        if self.grid:
            return PRIOGRID
        return None if self.resolution is None else H3_CELL

    def place(
        self, frame: pd.DataFrame, events: pd.DataFrame, excluded: np.ndarray | None
    ) -> dict[str, np.ndarray]:
        """Add the unit key (and ``_area``, when spreading) to ``frame``; the counted apart."""
        apart: dict[str, np.ndarray] = {}
        if self.grid:
            frame[PRIOGRID], apart = grid_keys(events, self.area, excluded)
            if self.spread:
                located = ~apart["no_usable_location"]
                frame["_area"], self.areas = spread_areas(events, self.shapes, located)
        elif self.resolution is not None:
            frame[H3_CELL], apart = h3_keys(events, self.resolution, self.area, excluded)
        elif self.polygon:
            frame[self.level], apart = polygon_keys(events, self.shapes[self.level], excluded)
        return apart

    @staticmethod
    def dropped(left_out: dict[str, np.ndarray]) -> list[np.ndarray]:
        """The masks of events the panel leaves out (the others are counted in rows)."""
        return [mask for name, mask in left_out.items() if name not in _KEPT]

    def spread_panel(
        self, frame: pd.DataFrame, keys: list[str]
    ) -> tuple[pd.DataFrame, float | None]:
        """The grid panel of events spread over space, and the share left outside ``cells``."""
        panel = spread_cells(frame, self.areas or Areas(), keys)
        if self.area is None:
            return panel, None
        gids = panel[PRIOGRID]
        kept = (gids.isna() | gids.isin(self.area)).to_numpy()
        return panel[kept], float(panel.loc[~kept, "events"].sum())

    def cell_keys(self, cells: pd.Series) -> pd.Series:
        """The cells of a counted panel as its zero fill merges them (and ``finish`` reads).

        PRIO-GRID ids as ``Int64``; H3 cells stay categorical, over ``cells=`` when given.
        """
        if self.grid:
            return cells.astype("Int64")
        if self.area is None:
            return cells
        return cells.cat.set_categories(self.area.tolist())

    def unit_rows(self, panel: pd.DataFrame) -> pd.DataFrame | None:
        """The units a zero fill covers; None for those of the panel."""
        if self.polygon:
            return all_units(panel, self.shapes[self.level])
        column = self.cell_column
        if self.area is None or column is None:
            return None
        ids = self.area.tolist() + ([None] if panel[column].isna().any() else [])
        if self.grid:
            return pd.DataFrame({column: pd.Series(ids, dtype="Int64")})
        dtype = cast("pd.CategoricalDtype", panel[column].dtype)  # cell_keys made it so
        return pd.DataFrame({column: pd.Categorical(ids, dtype=dtype)})

    def finish(self, panel: pd.DataFrame) -> pd.DataFrame:
        """The panel with its unit's extra columns (cell rows and centres, polygon ids)."""
        if self.grid:
            return cell_columns(panel)
        if self.resolution is not None:
            return h3_columns(panel)
        if self.polygon:
            return with_unit_ids(panel, self.shapes[self.level])
        return panel
