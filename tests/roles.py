"""The roles every permission test walks through, in one order."""

from django.test import Client

# The people of the `cabinet` fixture, one per role, plus an outsider of another body.
ROLES = [
    "chair",
    "secretary",
    "minister",
    "guest",
    "archivist",
    "assistant",
    "observer",
    "auditor",
    "outsider",
]
ROLES_AND_ANONYMOUS = [*ROLES, "anonymous"]


def client_for(cabinet, role: str) -> Client:
    """A client signed in as that role's person (or nobody, for "anonymous")."""
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(cabinet, role))
    return client
