from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefcaseConfig(AppConfig):
    name = "briefcase"
    verbose_name = _("Briefcase")
