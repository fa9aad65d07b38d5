"""{% load signing_words %}: signatures in words (signing/words.py).

{% version_note version %}        the signature that made this version, or its note
{% signatures_carried version %}  every signature the version carries, as a list
{% report_signed_by sig version %} one signature of a verification report
"""

from __future__ import annotations

from django import template

from signing import preview, words

register = template.Library()


@register.inclusion_tag("signing/_signed_by.html")
def version_note(version):
    """A version's line: the signature that made it in words, or the uploader's note (a
    signed version's stored note names the certificate's subject, not for readers)."""
    signature = words.signature_of(version) if version is not None else None
    if signature is not None:
        return {"lines": [words.signature_words(signature)], "list": False}
    return {"note": getattr(version, "note", ""), "list": False}


@register.inclusion_tag("signing/_signed_by.html")
def signatures_carried(version):
    found = words.signatures_carried(version) if version is not None else []
    return {"lines": [words.signature_words(s) for s in found], "list": True}


@register.simple_tag
def report_signed_by(sig, stored_by_field=None):
    """`stored_by_field`: the stored signatures of the verified version, by field name."""
    stored = (stored_by_field or {}).get(sig.field_name)
    return words.report_words(sig, stored)


@register.inclusion_tag("signing/_preview.html", takes_context=True)
def sign_preview(context, version):
    """Shown before every PIN field. The page showing it has decided that this person
    may sign the version; the image's token carries that decision (signing/preview.py)."""
    user = context["request"].user
    if version is None or not user.is_authenticated:
        return {"version": None}
    return {"version": version, "token": preview.preview_token(user=user, version=version)}
