from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinutesConfig(AppConfig):
    name = "minutes"
    verbose_name = _("Minutes")

    def ready(self) -> None:
        from ecabinet.audit.checkpoints import anchor_source_add
        from meetings.services import meeting_closed_hook_add
        from minutes.audit_anchor import minutes_anchors
        from minutes.services import minutes_draft_on_close

        meeting_closed_hook_add(minutes_draft_on_close)
        anchor_source_add(minutes_anchors)
