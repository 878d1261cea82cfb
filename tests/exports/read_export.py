"""Reads a report export back with a standard reader, for the saved-report tests.

`read_export.py FILE.xlsx` prints the first sheet's rows as JSON (openpyxl): a list of rows,
each a list of cells — numbers as numbers, dates as `YYYY-MM-DD`, empty cells as null.
`read_export.py FILE.pdf` prints the text of every page (pypdf) as one JSON string.
"""

import datetime
import json
import sys


def xlsx_rows(path):
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append([cell.date().isoformat() if isinstance(cell, datetime.datetime) else cell for cell in row])
    return rows


def pdf_text(path):
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def main():
    path = sys.argv[1]
    answer = xlsx_rows(path) if path.endswith(".xlsx") else pdf_text(path)
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
