"""The snapshot the secretariat's open ballot page fetches (`GET /api/ballots/{id}/live`).

Besides the data, it carries what the page shows, rendered here from the page's own
templates in the reader's language and Vietnam time: each recipient's row, the heading's
count and the provisional tally. The page swaps those parts in, so what arrives live reads
exactly like what the server renders on a reload, with no formatting done twice.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import strip_tags

from ballots import selectors
from ballots.access import BallotAccess
from ballots.models import Ballot


def ballot_live_snapshot(*, request: HttpRequest, ballot: Ballot, access: BallotAccess) -> dict:
    data = selectors.ballot_live(ballot=ballot)
    # Rendered without context processors (no request): one query-free render per part.
    base = {"ballot": ballot, "access": access, "csrf_token": get_token(request)}
    row_template = get_template("ballots/_recipient_row.html")
    when_template = get_template("_when.html")
    for row in data["rows"]:
        row["submitted_display"] = (
            strip_tags(when_template.render({"start": row["submitted_at"], "short": True})).strip()
            if row["submitted_at"]
            else ""
        )
        row["html"] = row_template.render({**base, "r": row}).strip()
    result = {"result": data["result"]}
    data["answered_text"] = get_template("ballots/_answered.html").render(result)
    data["tally_html"] = get_template("ballots/_tally.html").render(result).strip()
    return data
