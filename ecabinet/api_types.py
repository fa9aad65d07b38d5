"""What every app's API shares: the one error shape and ids that fit the database.

Imports no app, so an app's api.py can take these while ecabinet/api.py imports the
apps' routers (no import circle).
"""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

# The largest primary key the databases hold (a signed 64-bit integer). A larger number
# is refused as invalid input (422) instead of reaching the driver, which cannot send it.
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    error: str
    detail: str
    fields: dict[str, list[str]] = {}


# Documented on every operation: what a client must be ready to read.
ERRORS = {frozenset({400, 401, 403, 404, 409, 413, 422}): ErrorOut}
