"""Forms of the credit admin (Wagtail).

Every choice of a producer or a region offered here is limited to the user's scope
(credit.services.scope); the views check the scope again on the object they act on.
"""

from __future__ import annotations

import codecs
import unicodedata
import zipfile
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from credit.identifiers import (
    normalize_id_number,
    normalize_uscc,
    validate_id_number,
    validate_uscc,
)
from credit.models import OfficerProfile, Producer, ProductCategory, Region
from credit.services.scope import producers_for, regions_for

# --- producers and regions as form fields ------------------------------------------------

# Up to this many producers in scope are offered as a select; more as a key text input.
PRODUCER_SELECT_LIMIT = 300


def producer_label(producer: Producer) -> str:
    return f"{producer.name}（{producer.key}）"


def producer_input_key(producer: Producer) -> str:
    """What the text input shows for a producer: its USCC, else its row id (never the
    full ID number, which only its owner's paperwork carries)."""
    return producer.uscc or f"#{producer.pk}"


class ProducerChoiceField(forms.ModelChoiceField):
    """A producer in the user's scope, chosen from a list or typed as a key.

    Accepts the row id (from the list, or '#id'), a USCC or an ID number; anything not in
    the (scoped) queryset is rejected with the same message, so it reveals nothing about
    producers elsewhere.
    """

    default_error_messages = {
        "invalid_choice": _("未找到该生产经营主体，或不在您的管辖范围内。"),
    }

    def __init__(self, queryset, *args, **kwargs):
        kwargs.setdefault("label", _("生产经营主体"))
        super().__init__(queryset, *args, **kwargs)
        self.text_mode = False

    def use_text_input(self):
        self.text_mode = True
        self.widget = forms.TextInput(
            attrs={"placeholder": _("统一社会信用代码或身份证号码"), "autocomplete": "off"}
        )
        self.help_text = _("输入统一社会信用代码或身份证号码。")

    def label_from_instance(self, obj):
        return producer_label(obj)

    def prepare_value(self, value):
        if not self.text_mode:
            return super().prepare_value(value)
        if value in self.empty_values:
            return ""
        if isinstance(value, Producer):
            return producer_input_key(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            producer = self.queryset.filter(pk=value).first()
            return producer_input_key(producer) if producer else ""
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = unicodedata.normalize("NFKC", str(value)).strip().upper()
        if text.startswith("#"):
            text = text[1:]
        if text.isdigit() and len(text) < 15:
            lookup = Q(pk=int(text))
        else:
            lookup = Q(uscc=text) | Q(id_number=text)
        try:
            return self.queryset.get(lookup)
        except (Producer.DoesNotExist, Producer.MultipleObjectsReturned, ValueError) as exc:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc


def scope_producer_field(form, user, field_name="producer"):
    field = form.fields.get(field_name)
    if field is None:
        return
    qs = producers_for(user).filter(merged_into__isnull=True).order_by("name")
    new = ProducerChoiceField(
        qs, required=field.required, label=field.label, help_text=field.help_text
    )
    if qs.count() > PRODUCER_SELECT_LIMIT:
        new.use_text_input()
    form.fields[field_name] = new


def scope_region_field(form, user, field_name="region"):
    field = form.fields.get(field_name)
    if field is None:
        return
    field.queryset = regions_for(user).order_by("code")


class ScopedModelForm(WagtailAdminModelForm):
    """Create/edit forms of the credit admin: producer and region choices in scope."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        scope_producer_field(self, for_user)
        scope_region_field(self, for_user)


def _clean_identifier(value, normalize, validate):
    if not value:
        return None
    value = normalize(value)
    try:
        validate(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return value


class ProducerForm(ScopedModelForm):
    categories = forms.MultipleChoiceField(
        label=_("产品类别"),
        choices=ProductCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Producer
        fields = [
            "name",
            "uscc",
            "id_number",
            "kind",
            "region",
            "address",
            "legal_rep",
            "phone",
            "categories",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        user = self.for_user
        if editing and not (user and user.is_superuser):
            # Identifiers are keys other systems hold; only superusers may change them.
            for name in ("uscc", "id_number"):
                self.fields.pop(name, None)

    def clean_uscc(self):
        return _clean_identifier(self.cleaned_data.get("uscc"), normalize_uscc, validate_uscc)

    def clean_id_number(self):
        return _clean_identifier(
            self.cleaned_data.get("id_number"), normalize_id_number, validate_id_number
        )

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("uscc") and not data.get("id_number"):
            raise ValidationError(_("统一社会信用代码和身份证号码至少填写一项。"))
        return data


class FactCreateForm(ScopedModelForm):
    """Base of the per-model fact create forms (see credit.admin.fact_viewsets)."""


class OfficerProfileForm(WagtailAdminModelForm):
    class Meta:
        model = OfficerProfile
        fields = ["user", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("code")


# --- fact actions -------------------------------------------------------------------------

REASON_WIDGET = forms.Textarea(attrs={"rows": 3})

# What the system writes on a fact, never the officer: who recorded it, and the void stamp.
FACT_RECORD_FIELDS = (
    "recorded_at",
    "recorded_by",
    "source",
    "corrects",
    "voided_at",
    "voided_by",
    "void_reason",
)
CORRECTION_EXCLUDE = ("id", "producer", *FACT_RECORD_FIELDS, "removed_on", "removal_reason")


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=500, widget=REASON_WIDGET, strip=True)


def correction_form_class(model):
    """A form with the fact's own fields (prefilled from the fact) and a required reason."""
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and f.name not in CORRECTION_EXCLUDE
    ]

    class CorrectionForm(WagtailAdminModelForm):
        reason = forms.CharField(
            label=_("更正原因"), max_length=500, widget=REASON_WIDGET, strip=True
        )

        class Meta:
            pass

        Meta.model = model
        Meta.fields = fields

        def _post_clean(self):
            # Validation of the new record happens in correct_fact(); the instance here is
            # the original, which must not be touched.
            pass

        def changes(self) -> dict:
            return {name: self.cleaned_data[name] for name in fields if name in self.cleaned_data}

    CorrectionForm.__name__ = f"{model.__name__}CorrectionForm"
    return CorrectionForm


class DecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("决定"), coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("决定理由"), widget=REASON_WIDGET, strip=True)

    def __init__(self, *args, yes_label, no_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("yes", yes_label), ("no", no_label)]


# --- import upload ------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
_SNIFF_CHUNK = 1 << 20


def sniff_upload(upload) -> str:
    """'csv' or 'xlsx' after checking the extension against the content; ValidationError
    with a Chinese message otherwise. Reads the file in chunks and rewinds it."""
    name = (upload.name or "").lower()
    ext = Path(name).suffix
    if ext not in (".csv", ".xlsx"):
        raise ValidationError(_("只接受 .csv 或 .xlsx 文件。"))
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大：最大 50 MB。"))
    if upload.size == 0:
        raise ValidationError(_("文件为空。"))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext == ".xlsx":
        if not head.startswith(XLSX_MAGIC):
            raise ValidationError(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿。"))
        try:
            with zipfile.ZipFile(upload) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(_("Excel 文件已损坏，无法打开。")) from exc
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise ValidationError(_("文件扩展名为 .xlsx，但内容不是 Excel 工作簿。"))
        return "xlsx"
    # CSV: must decode completely as UTF-8 (with or without BOM) or GB18030, and be text.
    if head.startswith(XLSX_MAGIC) or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(_("文件扩展名为 .csv，但内容是 Excel 工作簿；请使用 .xlsx 扩展名。"))
    for encoding in ("utf-8-sig", "gb18030"):
        upload.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            while chunk := upload.read(_SNIFF_CHUNK):
                if b"\x00" in chunk:
                    raise ValidationError(_("CSV 文件含有二进制内容，不是文本文件。"))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            upload.seek(0)
        return "csv"
    raise ValidationError(_("无法识别 CSV 编码：请保存为 UTF-8 或 GB18030（GBK）编码。"))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GB18030）或 XLSX，第一行为列标题，最大 50 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("仅校验，不写入（试运行）"), required=False, initial=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.file_format = sniff_upload(upload)
        return upload
