"""HTML forms for the ballot pages. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ballots.models import Ballot, Choice
from ballots.services import default_recipients
from documents.models import Document
from ecabinet.forms import DATETIME_INPUT, add_service_errors
from meetings.forms import PeopleChoiceField, PersonChoiceField
from people.eligibility import deputies_of
from people.models import Body, User

__all__ = [
    "AnswerForm",
    "BallotForm",
    "DelegationForm",
    "MyDelegationForm",
    "add_service_errors",
]


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return str(obj)


class BallotForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(
        label=_("Summary of the issues"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    questions = forms.CharField(
        label=_("Questions (one per line)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline = forms.DateTimeField(label=_("Deadline (Vietnam time)"), widget=DATETIME_INPUT)
    drafts = DocumentChoiceField(
        label=_("Drafts concerned"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = PeopleChoiceField(
        label=_("Recipients"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every member of the body when none is ticked."),
    )

    def __init__(self, *args, body: Body, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drafts"].queryset = Document.objects.filter(body=body).order_by("-id")
        recipients = default_recipients(body=body)
        people = [u.pk for u in recipients]
        self.fields["recipients"].offer(recipients, body=body)
        if not self.is_bound and "recipients" not in self.initial:
            self.initial["recipients"] = people

    @classmethod
    def initial_from(cls, ballot: Ballot) -> dict:
        return {
            "subject": ballot.subject,
            "summary": ballot.summary,
            "questions": "\n".join(ballot.questions.values_list("text", flat=True)),
            "deadline": ballot.deadline,
            "drafts": list(ballot.drafts.values_list("pk", flat=True)),
            "recipients": list(ballot.answers.values_list("member_id", flat=True)),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "summary": data["summary"],
            "questions": data["questions"].splitlines(),
            "deadline": data["deadline"],
            "drafts": list(data["drafts"]),
            "recipients": list(data["recipients"]) or None,
        }


class AnswerForm(forms.Form):
    """One radio group and one text box per question: q1, q1_text, q2, ..."""

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q{q.number}"] = forms.ChoiceField(
                label=f"{q.number}. {q.text}",
                choices=Choice.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"q{q.number}_text"] = forms.CharField(
                label=_("Your opinion (required for “other opinion”)"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def pairs(self):
        """(choice field, text field) per question, for the template."""
        return [(self[f"q{q.number}"], self[f"q{q.number}_text"]) for q in self.questions]

    def items(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            q.number: (data.get(f"q{q.number}") or "", data.get(f"q{q.number}_text") or "")
            for q in self.questions
        }


class DelegationForm(forms.Form):
    """The secretariat records a delegation for a recipient: the deputies offered are
    those of the recipients' own agencies; the service checks the pair."""

    member = PersonChoiceField(label=_("Member"), queryset=User.objects.none())
    deputy = PersonChoiceField(label=_("Deputy who answers"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, ballot: Ballot, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(ballot_answers__ballot=ballot)
        self.fields["member"].offer(members, body=ballot.body_id)
        deputies = deputies_of(body=ballot.body_id, members=members)
        self.fields["deputy"].offer(deputies, body=ballot.body_id)


class MyDelegationForm(forms.Form):
    """A recipient names a deputy of their own agency to answer this ballot for them."""

    deputy = PersonChoiceField(label=_("Deputy who answers for me"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, ballot: Ballot, member: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        deputies = deputies_of(body=ballot.body_id, members=[member])
        self.fields["deputy"].offer_deputies(deputies, body=ballot.body, member=member)
