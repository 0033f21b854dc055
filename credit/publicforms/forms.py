"""Forms of the producer self-service pages: identification, objection, repair, reply."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from credit.models import ProducerReply
from credit.publicforms.records import find_row, has_fine
from credit.publicforms.uploads import EvidenceFilesField

IDENTIFY_ERROR = _("统一社会信用代码（或身份证号码）与认领码不匹配，或认领码已过期、已作废。")


class IdentifyForm(forms.Form):
    identifier = forms.CharField(
        label=_("统一社会信用代码或身份证号码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("认领码"),
        max_length=30,
        help_text=_("见农业农村部门送达的《信用信息告知书》，格式如 ABCD-EFGH-JKLM。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RecordChoiceMixin:
    """A radio choice among the rows the page lists (only those allowed)."""

    def set_rows(self, rows, allowed):
        self.rows = rows
        self.fields["record"].choices = [(r.key, r.number) for r in rows if allowed(r)]

    def clean_record(self):
        row = find_row(self.rows, self.cleaned_data["record"])
        if row is None:
            raise ValidationError(_("请选择一条记录。"))
        return row


class ObjectionForm(RecordChoiceMixin, forms.Form):
    record = forms.ChoiceField(label=_("提出异议的记录"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("异议理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("说明该记录哪里有误（如检测对象并非本主体产品、案件已撤销等），以及事实依据。"),
    )
    attachments = EvidenceFilesField(
        label=_("证明材料（可选）"),
        required=False,
        help_text=_("图片或 PDF，每个不超过 5 MB，最多 3 个。"),
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_rows(list(rows), lambda r: r.can_object)


class RepairForm(RecordChoiceMixin, forms.Form):
    record = forms.ChoiceField(label=_("申请修复的记录"), widget=forms.RadioSelect)
    fine_paid = forms.BooleanField(
        label=_("已按期足额缴纳罚款和没收的违法所得（行政处罚决定有罚没款时必选）"),
        required=False,
    )
    rectification_done = forms.BooleanField(
        label=_("已按监管部门要求完成整改"),
        required=True,
        error_messages={"required": _("须完成整改后方可申请信用修复。")},
    )
    statement = forms.CharField(
        label=_("整改情况说明"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写明整改措施、完成时间和效果。"),
    )
    attachments = EvidenceFilesField(
        label=_("证明材料"),
        min_files=1,
        help_text=_("缴款凭证、整改报告、复查意见等，图片或 PDF，每个不超过 5 MB，1 至 3 个。"),
    )
    signer = forms.CharField(label=_("承诺人（法定代表人或负责人姓名）"), max_length=50)
    commitment = forms.BooleanField(
        label=_("我已阅读上述《信用修复承诺书》，代表本主体作出承诺，同意公开。"),
        required=True,
        error_messages={"required": _("须同意信用修复承诺书。")},
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_rows(list(rows), lambda r: r.can_repair)

    def clean(self):
        data = super().clean()
        row = data.get("record")
        if row is not None and has_fine(row.fact) and not data.get("fine_paid"):
            self.add_error(
                "fine_paid",
                _("该处罚决定有罚没款：须缴纳后方可申请（尚未履行行政处罚决定规定的义务）。"),
            )
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("主体说明"),
        max_length=ProducerReply.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": ProducerReply.MAX_LENGTH}),
        help_text=_(
            "不超过 500 字。经审核后在信用页面等级旁公开，标明为主体自述。"
            "请勿填写身份证号码、电话号码等个人信息。"
        ),
    )
    agree = forms.BooleanField(
        label=_("我确认以上说明属实，同意以本主体名义公开。"),
        required=True,
        error_messages={"required": _("须同意后提交。")},
    )

    def clean_text(self):
        from credit.publicforms.privacy import contains_personal_data

        text = self.cleaned_data["text"].strip()
        if contains_personal_data(text):
            raise ValidationError(_("说明中不能包含手机号码或身份证号码。"))
        return text


class StatusForm(forms.Form):
    number = forms.CharField(
        label=_("申请编号"),
        max_length=30,
        help_text=_("提交时页面显示的编号，如 XF20260301000012。"),
    )
    code = forms.CharField(label=_("认领码"), max_length=30)
