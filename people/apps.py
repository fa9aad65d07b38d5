from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Bodies and people")

    def ready(self) -> None:
        # Connects the receiver that audits login lockouts (django-axes's signal).
        from people import auth  # noqa: F401
