from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes and ballots")

    def ready(self) -> None:
        from meetings.services import meeting_closed_hook_add
        from voting import commands  # noqa: F401  (registers the tablet commands)
        from voting.services import meeting_close_check_votes

        meeting_closed_hook_add(meeting_close_check_votes)
