"""HTML forms for the meeting pages.

Forms only parse what the browser sent into Python values; every business rule
(who may, which states, what a confidential paper needs) is checked by the services,
whose `Invalid` errors are copied back onto the form with `add_service_errors`.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import Confidentiality, DocumentType, Urgency
from ecabinet.forms import DATE_INPUT, DATETIME_INPUT, LimitedFileInput
from meetings.models import AgendaItem, Meeting, Position
from people.eligibility import deputies_of, presenters_of
from people.forms import PeopleChoiceField, PersonChoiceField
from people.models import Body, User
from people.selectors import body_people

__all__ = ["PeopleChoiceField", "PersonChoiceField"]  # other apps' forms use them


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of session"), choices=Meeting.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Starts at (Vietnam time)"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(
        label=_("Ends at (Vietnam time)"), widget=DATETIME_INPUT, required=False
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    is_online = forms.BooleanField(label=_("Also online"), required=False)
    online_link = forms.CharField(label=_("Online link"), max_length=300, required=False)

    @classmethod
    def initial_from(cls, meeting: Meeting) -> dict:
        return {name: getattr(meeting, name) for name in cls.base_fields}


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    presenting_agency = forms.CharField(
        label=_("Presenting agency"), max_length=200, required=False
    )
    presenter = PersonChoiceField(
        label=_("Presenter"), queryset=User.objects.none(), required=False
    )
    presenter_name = forms.CharField(
        label=_("Presenter (if not registered)"), max_length=200, required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Planned duration (minutes)"), min_value=1, max_value=600, initial=30
    )

    def __init__(self, *args, body: Body, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The agency is typed in the same form, so everyone who may present something is
        # offered (their titles name their agency); the service checks the pair.
        self.fields["presenter"].offer(presenters_of(body=body), body=body)

    @classmethod
    def initial_from(cls, item: AgendaItem) -> dict:
        return {name: getattr(item, name) for name in cls.base_fields}


class PaperForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"), widget=LimitedFileInput(attrs={"accept": "application/pdf"})
    )
    item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The whole meeting"),
    )
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    number_symbol = forms.CharField(label=_("Number and symbol"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("Summary (trích yếu)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200)
    issued_date = forms.DateField(label=_("Date issued"), required=False, widget=DATE_INPUT)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    recipients = PeopleChoiceField(
        label=_("Named recipients (required unless confidentiality is normal)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("order", "id")
        self.fields["recipients"].offer(body_people(body=meeting.body_id), body=meeting.body_id)


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"), widget=LimitedFileInput(attrs={"accept": "application/pdf"})
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class GuestForm(forms.Form):
    user = PersonChoiceField(label=_("Guest"), queryset=User.objects.none())
    items = forms.ModelMultipleChoiceField(
        label=_("Invited to the items"),
        queryset=AgendaItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].offer(people, body=meeting.body_id)
        self.fields["items"].queryset = meeting.items.order_by("order", "id")


class PositionForm(forms.Form):
    # Not required here: the service says "choose a position" itself, after checking
    # that this person may mark one at all, so nobody is asked to fix a form they
    # could never send.
    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Position.Stance.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment (required when you object)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    deputy = PersonChoiceField(
        label=_("Deputy attending for you (optional)"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, member: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        deputies = deputies_of(body=meeting.body_id, members=[member])
        self.fields["deputy"].offer_deputies(deputies, body=meeting.body, member=member)


class LeaveDecideForm(forms.Form):
    # Two submit buttons (approve / refuse) send `decision`; the template renders them.
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    deputy_may_vote = forms.BooleanField(label=_("Deputy may vote"), required=False)
    deputy_may_speak = forms.BooleanField(label=_("Deputy may speak"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
