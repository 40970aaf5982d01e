"""The directory's map as plain geometry for an inline SVG (templates/directory/_map.html draws it, escaped like any
page; no JavaScript, no tiles fetched from anywhere): one square per country on the tile grid of world_grid.py,
shaded in five steps by a count, labelled with its code, and titled with its name and both counts. The page puts
the same numbers in a table. Never a point per person.

Few people in a country are shown as a band ("1–2"), not a number: a map is the part of the directory most
likely to be copied into a report or a slide and read outside Co-Lab, and there a "1" would point at one person."""
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _

from .countries import country_name
from .world_grid import COLUMNS, GRID, ROWS

PEOPLE_SHOWN_FROM = 3  # fewer people than this in a country are shown as "1–2"
CELL = 32  # a tile and the sea around it, in SVG units; the drawing scales to the page
TILE = 29
LABEL_SIZE = 11
LEGEND_HEIGHT = 44
SWATCH = 16

# Five steps from none to many: (fill, label colour); each pair keeps the code readable (contrast above 4.5:1).
SHADES = [("#e4e6e9", "#1d1d1f"), ("#bcd7ed", "#1d1d1f"), ("#8dbbdc", "#1d1d1f"), ("#2f6d9e", "#ffffff"),
          ("#173f5f", "#ffffff")]
# The lowest count of each step after "none", by what the map is shaded by.
STEPS = {"people": (1, PEOPLE_SHOWN_FROM, 10, 30), "organisations": (1, 2, 5, 10)}


@dataclass
class CountryCount:
    """One row of the table: a country, its people as shown ("1–2" below the threshold) and its organisations."""

    code: str
    name: str
    people_text: str
    organisations: int
    rank: int  # what the table sorts by: the people count, every banded count ranking alike

    @property
    def organisations_text(self):
        return format_number(self.organisations)


@dataclass
class Tile:
    code: str
    x: int
    y: int
    fill: str
    ink: str
    title: str


@dataclass
class LegendItem:
    x: int
    fill: str
    text: str


@dataclass
class TileMap:
    id: str  # unique on the page: the title's and description's ids derive from it
    title: str
    description: str
    tiles: list
    legend: list
    width: int = COLUMNS * CELL
    height: int = ROWS * CELL + LEGEND_HEIGHT
    tile: int = TILE
    label_size: int = LABEL_SIZE
    swatch: int = SWATCH

    @property
    def legend_y(self):
        return ROWS * CELL + (LEGEND_HEIGHT - SWATCH) // 2

    @property
    def label_offset(self):
        """From a tile's corner to the baseline of its centred label."""
        return (TILE + LABEL_SIZE) // 2 - 1


def people_text(count):
    """A country's people as the map and its table show them: "0", "1–2" (below the threshold), or the number."""
    if 0 < count < PEOPLE_SHOWN_FROM:
        return _("%(low)s–%(high)s", low=format_number(1), high=format_number(PEOPLE_SHOWN_FROM - 1))
    return format_number(count)


def _rank(count):
    return 1 if 0 < count < PEOPLE_SHOWN_FROM else count


def country_counts(people, organisations, locale=None):
    """Table rows for every country with anyone or any organisation: people {code: n} and organisations {code: n},
    most first (banded counts alike, so the order does not tell a 1 from a 2), then by name."""
    rows = [CountryCount(code, country_name(code, locale), people_text(people.get(code, 0)),
                         organisations.get(code, 0), _rank(people.get(code, 0)))
            for code in sorted(set(people) | set(organisations)) if code in GRID]
    return sorted(rows, key=lambda row: (-row.rank, -row.organisations, row.name.casefold()))


def _step(count, steps):
    return sum(1 for low in steps if count >= low)


def _legend_text(index, steps):
    if index == 0:
        return _("None")
    low = steps[index - 1]
    if index == len(steps):
        return _("%(low)s or more", low=format_number(low))
    high = steps[index] - 1
    if low == high:
        return format_number(low)
    return _("%(low)s–%(high)s", low=format_number(low), high=format_number(high))


def tile_map(map_id, people, organisations, shade_by="people", locale=None):
    """The world as tiles, each shaded by its count of shade_by ("people" or "organisations")."""
    steps = STEPS[shade_by]
    shaded = people if shade_by == "people" else organisations
    tiles = []
    for code, (column, row) in sorted(GRID.items(), key=lambda item: (item[1][1], item[1][0])):
        fill, ink = SHADES[_step(shaded.get(code, 0), steps)]
        title = _("%(country)s — people: %(people)s, organisations: %(organisations)s",
                  country=country_name(code, locale), people=people_text(people.get(code, 0)),
                  organisations=format_number(organisations.get(code, 0)))
        tiles.append(Tile(code, column * CELL, row * CELL, fill, ink, title))
    legend = [LegendItem(1 + index * 150, fill, _legend_text(index, steps))
              for index, (fill, _ink) in enumerate(SHADES)]
    if shade_by == "people":
        title = _("Members with a published profile, by country")
        description = _("A square for every country, placed roughly where it lies, shaded by the number of people "
                        "with a published profile there; fewer than %(num)s are shown as a range. The same numbers "
                        "are in the table below.", num=PEOPLE_SHOWN_FROM)
    else:
        title = _("Member organisations, by country")
        description = _("A square for every country, placed roughly where it lies, shaded by the number of member "
                        "organisations there. The same numbers are in the table below.")
    return TileMap(map_id, title, description, tiles, legend)
