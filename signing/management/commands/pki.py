"""The development PKI: `pki init`, `pki serve`, `pki export-root`, `pki import-p12`,
`pki revoke`. See docs/signing.md."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecabinet.errors import ServiceError
from people.models import Body, User
from signing import pki as dev_pki
from signing import provisioning, selectors


class Command(BaseCommand):
    help = "Development PKI and tokens for digital signatures"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create CAs, tokens, keys and certificates")
        init.add_argument("--users", default="", help="comma-separated user names")
        serve = sub.add_parser("serve", help="run the TSA, OCSP responder and CRLs")
        serve.add_argument("--port", type=int, default=None)
        export = sub.add_parser("export-root", help="write the trust root (PEM)")
        export.add_argument("--out", required=True)
        imp = sub.add_parser("import-p12", help="put a PKCS#12 key on a user's token")
        imp.add_argument("--user", required=True)
        imp.add_argument("--file", required=True)
        imp.add_argument("--passphrase", default=None)
        imp.add_argument("--pin", default=None)
        revoke = sub.add_parser("revoke", help="revoke a user's or an agency's certificate")
        revoke.add_argument("--user", default="")
        revoke.add_argument("--body", default="", help="body id for its seal")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION and options["action"] != "import-p12":
            raise CommandError("The development PKI does not run in production.")
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def _pki(self) -> dev_pki.DevPki:
        pki = dev_pki.pki_open(Path(settings.SIGNING_PKI_DIR))
        if pki is None:
            raise CommandError("No development PKI yet: run `manage.py pki init` first.")
        return pki

    def _init(self, options):
        names = [n.strip() for n in options["users"].split(",") if n.strip()]
        users = list(User.objects.filter(username__in=names)) if names else None
        if names and len(users) != len(names):
            raise CommandError("Unknown user in --users.")
        report = provisioning.dev_pki_init(users=users)
        state = "created" if report.created else "already there"
        self.stdout.write(f"Development PKI in {report.pki.dir} ({state})")
        for user, pin in report.users:
            self.stdout.write(f"  key for {user.get_username():<16} PIN {pin}")
        for body, pin in report.bodies:
            self.stdout.write(f"  seal of {body.name:<30} PIN {pin}")
        if not report.users and not report.bodies:
            self.stdout.write("  every signer already has a key")
        else:
            self.stdout.write("Demo PINs: development only; see docs/signing.md.")

    def _serve(self, options):
        from signing.pki_service import server_make

        port = options["port"] or settings.SIGNING_DEV_PKI_PORT
        server = server_make(self._pki(), port=port)
        self.stdout.write(f"Development TSA/OCSP/CRL on http://127.0.0.1:{port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def _export_root(self, options):
        Path(options["out"]).write_bytes(self._pki().root_pem.read_bytes())
        self.stdout.write(f"Trust root written to {options['out']}")

    def _import_p12(self, options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("No such user.")
        passphrase = options["passphrase"]
        if passphrase is None:
            passphrase = getpass.getpass("PKCS#12 passphrase: ")
        pin = options["pin"] or getpass.getpass("Token PIN: ")
        key = provisioning.key_import_p12(
            actor=None,
            user=user,
            data=Path(options["file"]).read_bytes(),
            passphrase=passphrase,
            pin=pin,
        )
        self.stdout.write(f"Imported: {key.subject} on token {key.token_label}")

    def _revoke(self, options):
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            key = selectors.key_of_user(user) if user else None
        else:
            body = Body.objects.filter(pk=options["body"] or 0).first()
            key = selectors.seal_key_of_body(body) if body else None
        if key is None:
            raise CommandError("No active key found.")
        provisioning.key_revoke(actor=None, key=key)
        self.stdout.write(f"Revoked: {key.subject} (serial {key.serial})")
