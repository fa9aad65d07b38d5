from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from ecabinet.audit.checkpoints import notary_set
        from signing.audit_notary import TokenNotary

        notary_set(TokenNotary())
