"""Form fields that pick people: labelled with name and title, offered in protocol order.

The database sorts by code point ("Hoàng" before "Hà"), so the choices are sorted in
Python by people/collation.py; the queryset still validates what was sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext as _

from people.collation import sort_people
from people.models import Body, User


class _PeopleIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for person in sort_people(self.queryset, body=self.field.body):
            yield self.choice(person)


class _PeopleMixin:
    iterator = _PeopleIterator
    body: Body | int | None = None  # whose protocol order the choices follow

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name

    def offer(self, people: Iterable[User], *, body: Body | int | None) -> None:
        """Offer exactly these people, in `body`'s order."""
        self.body = body
        self.queryset = User.objects.filter(pk__in=[p.pk for p in people])


class PersonChoiceField(_PeopleMixin, forms.ModelChoiceField):
    def offer_deputies(self, deputies: list[User], *, body: Body, member: User) -> None:
        """Offer a member's deputies; an empty list says why rather than looking broken."""
        self.offer(deputies, body=body)
        if not deputies and member.organisation.strip():
            self.help_text = _(
                "No deputy of %(agency)s is registered with %(body)s yet; the secretariat "
                "can register one."
            ) % {"agency": member.organisation.strip(), "body": body}


class PeopleChoiceField(_PeopleMixin, forms.ModelMultipleChoiceField):
    pass
