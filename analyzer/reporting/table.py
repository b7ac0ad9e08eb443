"""A table of a report, as data: headers, rows of cells, which columns are figures, a note and the lines listed
under it. A cell is its text plus how to show it: a best/worst mark, note symbols and a tone. Built by
reporting.view (and reporting.debug for the debuggability section), drawn by the three renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

Mark = Literal["", "best", "worst"]
#: good: passed, supported, robust; bad: failed, contradicted, fragile; warn: skipped, inconclusive; muted: not
#: scored (a skipped dimension); note: the evidence under a finding.
Tone = Literal["", "good", "bad", "warn", "muted", "note"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and how to show it."""

    text: str = ""  #: the figure or words
    mark: Mark = ""  #: best or worst among the default implementations it is compared with
    symbols: str = ""  #: note symbols right after the text: † leader of a fragile verdict, ~ unstable timing
    tone: Tone = ""  #: what the words mean, for colour (see Tone)
    strong: bool = False  #: the finding of its row (a claim's verdict), emphasised in every format

    @property
    def shown(self) -> str:
        """The text with its note symbols: what every format prints, before the mark it draws its own way."""
        return self.text + self.symbols

    def __str__(self) -> str:
        return self.shown


#: A plain string is a cell with no mark, symbol or tone (the debuggability tables hold only those).
CellLike = Union[Cell, str]


def cell_of(value: CellLike) -> Cell:
    """The value as a Cell."""
    return value if isinstance(value, Cell) else Cell(value)


@dataclass(frozen=True)
class Table:
    """A table of a report; rows hold one cell per header (a table without headers is a list of name/value rows)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[CellLike, ...], ...]
    note: str = ""  #: what the figures mean, under the table
    numeric: tuple[bool, ...] = ()  #: per column: figures, aligned right (a missing entry: text)
    labels: tuple[bool, ...] = ()  #: per column: short names read whole, never wrapped (an id, a status)
    items: tuple[str, ...] = ()  #: lines listed under the note (flags, failures, alternatives)
    headings: tuple[tuple[int, str], ...] = ()  #: (row index, text): a heading row (a category) before that row
    grouped: bool = False  #: rows with the same first cell in a row are one group (one task, one claim)
    compact: bool = False  #: many narrow figure columns: the console stacks their headers' words

    def is_numeric(self, column: int) -> bool:
        return column < len(self.numeric) and self.numeric[column]

    def is_label(self, column: int) -> bool:
        return column < len(self.labels) and self.labels[column]

    def cells(self, row: int) -> tuple[Cell, ...]:
        return tuple(cell_of(value) for value in self.rows[row])

    def heading(self, row: int) -> str:
        """The heading shown before a row, "" for none."""
        return dict(self.headings).get(row, "")

    def starts_group(self, row: int) -> bool:
        """The row's first cell differs from the previous row's (always true in a table that is not grouped)."""
        return not self.grouped or row == 0 or str(self.rows[row][0]) != str(self.rows[row - 1][0])
