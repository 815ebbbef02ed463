from django import forms
from django.core.validators import URLValidator

from claims.services import MAX_LINKS
from profiles.models import Researcher


class ClaimForm(forms.Form):
    """Links and a statement; the ORCID and email evidence is found, not typed."""

    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Up to {MAX_LINKS} web addresses, one per line: a staff page, a personal site or a publisher "
            "page that connects you to these works."
        ),
    )
    statement = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words, why this record is yours (at most 2000 characters).",
    )

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = evidence

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(f"Enter at most {MAX_LINKS} links; you entered {len(lines)}.")
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(f"{line!r} is not a valid http or https address.") from None
        return lines

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.evidence.proves_identity:
            return cleaned
        if not cleaned.get("links") or not cleaned.get("statement", "").strip():
            raise forms.ValidationError(
                "Without ORCID or institutional email evidence, add at least one link and a statement "
                "so staff can check that this record is yours."
            )
        return cleaned


class OwnerProfileForm(forms.ModelForm):
    """The only fields of a claimed profile its owner may change."""

    class Meta:
        model = Researcher
        fields = ["summary", "open_to_collaborate"]
        labels = {"summary": "Summary", "open_to_collaborate": "Open to collaborate"}
        help_texts = {
            "summary": "One or two sentences shown under your name (at most 600 characters). "
            "Leave empty to show the summary generated from your topics.",
            "open_to_collaborate": "Show “Open to collaborate” on your profile.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class ReviewDecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Required. The claimant reads this reason in the decision email.",
    )


class ConversationForm(forms.Form):
    subject = forms.CharField(max_length=200, help_text="The topic, e.g. a shared dataset or a paper idea.")
    body = forms.CharField(
        label="Message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="At most 4000 characters. The researcher receives it by email and replies here.",
    )


class MessageForm(forms.Form):
    body = forms.CharField(label="Reply", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
