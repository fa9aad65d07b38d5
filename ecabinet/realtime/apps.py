from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "ecabinet.realtime"
    label = "realtime"
    verbose_name = _("Real-time events")
