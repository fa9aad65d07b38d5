"""Agencies and organisations are names typed by hand ("Bộ Y tế", "BỘ Y TẾ", "Bộ  Y tế"):
one key says when two of them name the same agency.

The key is stored beside the name (User.organisation_key, ResolutionTask.lead_agency_key)
because SQL cannot compute it alike everywhere: SQLite folds only ASCII case, and no
database collapses spaces in a comparison. This module imports nothing, so models and
migrations of any app may use it."""


def agency_key(name: str) -> str:
    """The name without case and with its spaces collapsed: what two names must share."""
    return " ".join(name.split()).casefold()
