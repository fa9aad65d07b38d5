from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes and ballots")

    def ready(self) -> None:
        from voting import commands  # noqa: F401  (registers the tablet commands)
