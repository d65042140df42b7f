"""CSV files people open in a spreadsheet program: safe, and showing names as typed.

- A cell whose text starts with a character a spreadsheet reads as the start of a formula
  (`=`, `+`, `-`, `@`, tab, carriage return, and `|` and `%` which some programs also act on)
  is written with a leading apostrophe, so a free-text answer or a name can never run as a
  formula ("CSV injection"). Numbers are written as numbers.
- Every file starts with a UTF-8 byte order mark, without which Excel reads UTF-8 as the
  Windows code page and shows "Zoë" as "ZoÃ«".

Every CSV the site writes (results, responses, claims, transcripts) uses this module."""

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
UTF8_BOM = "\ufeff"


def spreadsheet_cell(value: Any) -> Any:
    """The value to write: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(rows: Iterable[Iterable[Any]]) -> str:
    """The CSV text of `rows`, every cell made safe (no byte order mark: see `csv_writer`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return buffer.getvalue()


class _SafeWriter:
    def __init__(self, target):
        self._writer = csv.writer(target)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_cell(value) for value in row])


def csv_writer(target) -> _SafeWriter:
    """A csv writer over `target` (a file or an HttpResponse) that writes the byte order mark
    first and makes every cell safe."""
    target.write(UTF8_BOM)
    return _SafeWriter(target)
