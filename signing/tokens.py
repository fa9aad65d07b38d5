"""PKCS#11 tokens: loading the module, opening a session with the owner's PIN, putting
keys and certificates on a token.

A PKCS#11 module is initialised once per process (C_Initialize), and SoftHSM2 lists
only the tokens that existed at that moment. Tokens created later (by `pki init` or a
PKCS#12 import in a running server) become visible after `lib.reinitialize()`, which
closes every open session; so every use of a session holds `LIB_LOCK`, and
reinitialising waits until no one is signing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pkcs11
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11.util import ec as p11_ec
from pkcs11.util import rsa as p11_rsa

LIB_LOCK = threading.RLock()
_loaded: dict[str, object] = {}


class TokenError(Exception):
    """Something about the token itself; the message is for the person signing."""


class WrongPin(TokenError):
    pass


class TokenPinLocked(TokenError):
    pass


class TokenMissing(TokenError):
    pass


def softhsm_conf() -> Path | None:
    conf = settings.SIGNING_SOFTHSM2_CONF
    return Path(conf) if conf else None


def softhsm_conf_write(pki_dir: Path) -> Path:
    """A SoftHSM2 configuration whose tokens live in pki_dir/tokens (development)."""
    token_dir = pki_dir / "tokens"
    token_dir.mkdir(parents=True, exist_ok=True)
    conf = pki_dir / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {token_dir}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n",
        encoding="utf-8",
    )
    return conf


def _lib() -> pkcs11.lib:
    """The process's PKCS#11 module, re-read when the SoftHSM configuration changed
    (a test run points it at a fresh token directory)."""
    conf = softhsm_conf()
    conf_str = str(conf) if conf else ""
    lib = _loaded.get("lib")
    if lib is None:
        if conf_str:
            os.environ["SOFTHSM2_CONF"] = conf_str
        lib = pkcs11.lib(settings.SIGNING_PKCS11_MODULE)
        _loaded.update(lib=lib, conf=conf_str)
    elif _loaded.get("conf") != conf_str:
        if conf_str:
            os.environ["SOFTHSM2_CONF"] = conf_str
        lib.reinitialize()
        _loaded["conf"] = conf_str
    return lib  # type: ignore[return-value]


def refresh() -> None:
    """Make tokens created since the module was loaded visible to this process."""
    with LIB_LOCK:
        _lib().reinitialize()


def _token(label: str) -> pkcs11.Token:
    lib = _lib()
    try:
        return lib.get_token(token_label=label)
    except pkcs11.NoSuchToken:
        # Perhaps created by another process after we loaded the module.
        lib.reinitialize()
        try:
            return lib.get_token(token_label=label)
        except pkcs11.NoSuchToken as exc:
            raise TokenMissing(f"token {label!r} is not present") from exc


@contextmanager
def session(label: str, pin: str, *, rw: bool = False) -> Iterator[pkcs11.Session]:
    """Log in to the token with the owner's PIN. The PIN is used here and forgotten."""
    with LIB_LOCK:
        token = _token(label)
        try:
            sess = token.open(user_pin=pin, rw=rw)
        except pkcs11.PinIncorrect as exc:
            raise WrongPin("wrong PIN") from exc
        except (pkcs11.PinLenRange, pkcs11.ArgumentsBad) as exc:
            raise WrongPin("wrong PIN") from exc
        except pkcs11.PinLocked as exc:
            raise TokenPinLocked("the token has locked its PIN") from exc
        try:
            yield sess
        finally:
            sess.close()


def softhsm_token_create(label: str, *, pin: str, so_pin: str) -> None:
    """Initialise a new SoftHSM2 token (development and tests only: a real token is
    personalised by its issuer)."""
    tool = shutil.which("softhsm2-util")
    conf = softhsm_conf()
    if tool is None or conf is None:
        raise TokenError("SoftHSM2 is not available; put the key on the token with its own tools")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    cmd = [tool, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise TokenError(f"softhsm2-util failed: {result.stderr.strip() or result.stdout.strip()}")
    refresh()


def key_generate(sess: pkcs11.Session, label: str) -> bytes:
    """Make an RSA-2048 key pair that never leaves the token; return the public key
    as DER SubjectPublicKeyInfo, ready for a certificate."""
    pub, _priv = sess.generate_keypair(
        KeyType.RSA,
        2048,
        store=True,
        label=label,
        private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
    )
    rsa_der = p11_rsa.encode_rsa_public_key(pub)
    spki = asn1_keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa"},
            "public_key": asn1_keys.RSAPublicKey.load(rsa_der),
        }
    )
    return spki.dump()


def certificate_store(sess: pkcs11.Session, label: str, cert_der: bytes) -> None:
    """Put the certificate next to its key (replacing an older one with the label)."""
    for old in sess.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}):
        old.destroy()
    cert = asn1_x509.Certificate.load(cert_der)
    sess.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.SUBJECT: cert.subject.dump(),
            Attribute.ISSUER: cert.issuer.dump(),
            Attribute.SERIAL_NUMBER: cert["tbs_certificate"]["serial_number"].dump(),
            Attribute.VALUE: cert_der,
        }
    )


def private_key_import(sess: pkcs11.Session, label: str, key_info_der: bytes) -> None:
    """Store a private key from a PKCS#12 file on the token, marked non-extractable."""
    info = asn1_keys.PrivateKeyInfo.load(key_info_der)
    algorithm = info.algorithm
    if algorithm == "rsa":
        attrs = p11_rsa.decode_rsa_private_key(info["private_key"].parsed.dump())
    elif algorithm == "ec":
        ec_key = info["private_key"].parsed
        attrs = p11_ec.decode_ec_private_key(ec_key.dump())
        attrs[Attribute.EC_PARAMS] = info["private_key_algorithm"]["parameters"].dump()
    else:
        raise TokenError(f"unsupported key algorithm {algorithm}")
    for old in sess.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}):
        old.destroy()
    attrs.update(
        {
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.PRIVATE: True,
            Attribute.SIGN: True,
            Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
        }
    )
    sess.create_object(attrs)
