"""Every CSV the site writes is safe to open in a spreadsheet and shows names as typed."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from coproduce.spreadsheets import FORMULA_STARTS, UTF8_BOM, csv_rows, csv_writer, spreadsheet_cell


def test_text_that_would_run_as_a_formula_is_written_as_text():
    for start in ["=", "+", "-", "@", "\t", "\r", "|", "%"]:
        assert spreadsheet_cell(f'{start}HYPERLINK("http://evil")').startswith("'" + start)


def test_numbers_and_ordinary_text_are_unchanged():
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell(2.5) == 2.5
    assert spreadsheet_cell("Zoë Smith") == "Zoë Smith"


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=5))
def test_no_cell_read_back_starts_a_formula(rows):
    parsed = list(csv.reader(io.StringIO(csv_rows(rows), newline="")))
    for row in parsed:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS)


def test_a_file_starts_with_the_byte_order_mark_excel_needs():
    target = io.StringIO()
    csv_writer(target).writerow(["Zoë", "=1+1"])
    text = target.getvalue()
    assert text.startswith(UTF8_BOM)
    assert text.encode("utf-8").decode("utf-8-sig") == "Zoë,'=1+1\r\n"
