from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from meetings import commands  # noqa: F401  (registers the tablet commands)
        from meetings.realtime import access_changed

        def close_sockets(sender, request, user, **kwargs):
            # A signed-out tablet must stop receiving the meeting at once.
            if user is not None:
                access_changed(user_id=user.pk, logout=True)

        user_logged_out.connect(close_sockets, weak=False, dispatch_uid="meetings.logout")
