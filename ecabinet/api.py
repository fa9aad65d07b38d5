"""The JSON API: one NinjaAPI; each app adds its router. Errors are JSON that say why."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="e-Cabinet API", version="1", auth=django_auth)
