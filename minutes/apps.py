from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinutesConfig(AppConfig):
    name = "minutes"
    verbose_name = _("Minutes")

    def ready(self) -> None:
        from meetings.services import meeting_closed_hook_add
        from minutes.services import minutes_draft_on_close

        meeting_closed_hook_add(minutes_draft_on_close)
