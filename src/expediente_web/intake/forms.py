"""The form of the Import page: the file, the table it holds, its source, and whether it is a
new version of a list already imported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from expediente_web.intake.uploads import max_bytes

KIND_LABELS = {
    "victims": _("Victims (persons)"),
    "acts": _("Acts"),
    "testimonies": _("Testimonies"),
    "sources": _("Sources"),
    "involvements": _("Perpetrators of acts (involvements)"),
    "measurements": _("Measured facts of acts"),
}


def _megabytes(n: int) -> int:
    return max(1, -(-n // (1024 * 1024)))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, JSON, JSON Lines or Parquet, in the case tables format."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.tsv,.xlsx,.xlsm,.json,.jsonl,.ndjson,.parquet"}
        ),
    )
    kind = forms.ChoiceField(label=_("Table"), required=False)
    source = forms.ChoiceField(label=_("Source of the rows"), required=False)
    update = forms.BooleanField(
        label=_("This is a new version of a list already imported"),
        required=False,
        help_text=_(
            "Rows with a row id the source already has update their record where a "
            "value changed; unchanged rows are left alone; new rows are added."
        ),
    )

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Detect it from the file")), *KIND_LABELS.items()]
        self.fields["source"].choices = [("", _("— choose the source —")), *sources]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("The file is %(size)s MB; the largest file accepted is %(limit)s MB.")
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind != "sources" and not data.get("source"):
            self.add_error(
                "source", _("Choose the source the rows come from (a sources file needs none).")
            )
        if data.get("update") and kind in ("sources", "involvements", "measurements"):
            self.add_error(
                "update", _("Only victims, acts and testimonies lists have row ids to update by.")
            )
        return data
