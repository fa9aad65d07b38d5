"""HTML forms for the draft pages: they parse; the services decide (and their `Invalid`
errors are copied back onto the form by `ecabinet.forms.add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from circulation.models import Comment
from documents.models import Confidentiality, DocumentType, Urgency
from ecabinet.forms import LimitedFileInput
from people.forms import PeopleChoiceField
from people.models import Body, User
from people.selectors import body_members, body_people

ACCEPT = ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"  # noqa: E501


PeopleField = PeopleChoiceField  # name and title, in the body's protocol order


class CirculateForm(forms.Form):
    file = forms.FileField(
        label=_("Draft (PDF or Word .docx)"),
        widget=LimitedFileInput(attrs={"accept": ACCEPT}),
    )
    doc_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.DRAFT_DECREE
    )
    number_symbol = forms.CharField(label=_("Number and symbol"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("Summary (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    issuing_body = forms.CharField(label=_("Drafting agency"), max_length=200)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial=Confidentiality.NORMAL
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    deadline = forms.DateTimeField(
        label=_("Comments due by (Vietnam time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    request = forms.CharField(
        label=_("What comments are asked for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recipients = PeopleField(
        label=_("Asked to comment"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, body: Body, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].offer(body_people(body=body).exclude(pk=actor.pk), body=body)
        if not self.is_bound:
            members = body_members(body=body).exclude(pk=actor.pk)
            self.fields["recipients"].initial = list(members.values_list("pk", flat=True))


class CommentForm(forms.Form):
    version = forms.TypedChoiceField(label=_("On version"), coerce=int)
    page = forms.IntegerField(
        label=_("Page (leave empty for the draft as a whole)"), required=False, min_value=1
    )
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, numbers: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(n, f"v{n}") for n in numbers]
        if numbers and not self.is_bound:
            self.fields["version"].initial = numbers[0]


class CommentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Comment) -> str:
        where = f"v{obj.version.number}" + (f", tr. {obj.page}" if obj.page else "")
        return f"{obj.author} ({where}): {obj.text[:120]}"


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("New version (PDF or Word .docx)"),
        widget=LimitedFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    answers = CommentChoiceField(
        label=_("This version answers these comments"),
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, comments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers"].queryset = comments
