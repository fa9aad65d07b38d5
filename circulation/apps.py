from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirculationConfig(AppConfig):
    name = "circulation"
    verbose_name = _("Draft circulation")

    def ready(self) -> None:
        from circulation.services import circulation_version_signed
        from signing.services import version_signed_hook_add

        version_signed_hook_add(circulation_version_signed)
