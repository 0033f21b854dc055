from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from credit.checks.uploads import MAX_UPLOAD_BYTES
from credit.models import Organisation, Programme, Scenario


def _format(text, **values) -> str:
    return str(text) % values


_lazy_format = lazy(_format, str)  # translated when the form renders, not at import


class CheckOptionsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("核查机构"), queryset=Organisation.objects.none(), empty_label=None
    )
    scenario = forms.ChoiceField(label=_("惩戒场景"), choices=Scenario.choices)
    date = forms.DateField(
        label=_("核查基准日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("默认今天；可选过去某日，按当日的信用状况核查"),
    )
    programme = forms.ModelChoiceField(
        label=_("展会/评选/项目（可选）"),
        queryset=Programme.objects.none(),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(users=user, active=True)
        self.fields["organisation"].queryset = orgs
        self.fields["programme"].queryset = Programme.objects.filter(organisation__in=orgs)
        first = orgs.first()
        if first is not None and first.kind in Scenario.values:
            self.fields["scenario"].initial = first.kind
        self.fields["date"].initial = timezone.localdate()
        if orgs.count() == 1:
            self.fields["organisation"].initial = first
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("不能晚于今天"))
        return day

    def clean(self):
        data = super().clean()
        programme, org = data.get("programme"), data.get("organisation")
        if programme and org and programme.organisation_id != org.pk:
            self.add_error("programme", _("该项目不属于所选机构"))
        return data


class UploadForm(CheckOptionsForm):
    file = forms.FileField(
        label=_("名单文件"),
        help_text=_lazy_format(
            _(
                "CSV（UTF-8 或 GB18030）或 XLSX，不超过 %(mb)s MB；"
                "第一行为列标题：uscc（统一社会信用代码）、name（名称）、region_code（行政区划代码）"
            ),
            mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class PasteForm(CheckOptionsForm):
    text = forms.CharField(
        label=_("名单"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("每行一个主体：统一社会信用代码，或名称；可用逗号或制表符附上行政区划代码"),
    )
