"""CSV files that people open in a spreadsheet (the registers, the task dashboard).

UTF-8 with a byte order mark, so spreadsheet programs read Vietnamese correctly. The API's
machine-readable CSV exports (votes, ballots) have no mark and are built where they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """An attachment `filename` with `header` as its first row, then `rows`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
