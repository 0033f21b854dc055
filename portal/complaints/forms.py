"""The public complaint form, its anti-abuse challenge, and the tracking form.

The challenge needs no third-party service: a small arithmetic question in Chinese
numerals, with a signed token carrying the time it was issued, a one-time nonce and a keyed
hash of the answer (never the answer itself). A submission is refused when the token is
forged, older than CHALLENGE_MAX_AGE, younger than COMPLAINT_MIN_SECONDS (bots post at
once), reused, answered wrongly, or when the hidden honeypot field is filled in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from credit.identifiers import IdentifierError, validate_phone
from credit.models import Region
from credit.publicforms.uploads import EvidenceFilesField
from portal.complaints.models import ComplaintCategory

CHALLENGE_SALT = "portal.complaints.challenge"
CHALLENGE_MAX_AGE = 2 * 3600
DIGITS = "零一二三四五六七八九"
# The question is asked in words (not digits) in the visitor's language.
DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
CHALLENGE_ERROR = gettext_lazy("验证题答案不正确或已过期，请重新作答。")


def _answer_mac(nonce: str, answer: int) -> str:
    key = hashlib.sha256(f"{CHALLENGE_SALT}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str
    answer: int  # for tests; pages show only the question and the token


def _number_word(n: int) -> str:
    return DIGITS_EN[n] if (get_language() or "").startswith("en") else DIGITS[n]


def make_challenge(now: float | None = None) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        words = {"a": _number_word(a), "b": _number_word(b)}
        question, answer = _("%(a)s减%(b)s等于几？") % words, a - b
    else:
        words = {"a": _number_word(a), "b": _number_word(b)}
        question, answer = _("%(a)s加%(b)s等于几？") % words, a + b
    nonce = secrets.token_urlsafe(12)
    issued = int(now if now is not None else time.time())
    token = signing.dumps(
        {"q": question, "t": issued, "n": nonce, "h": _answer_mac(nonce, answer)},
        salt=CHALLENGE_SALT,
    )
    return Challenge(question, token, answer)


def challenge_question(token: str) -> str | None:
    try:
        return signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)["q"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def check_challenge(token: str, answer) -> None:
    """Raise ValidationError unless the challenge was answered by a person, once."""
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        nonce, issued, mac = data["n"], int(data["t"]), data["h"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(CHALLENGE_ERROR, code="challenge") from None
    min_seconds = getattr(settings, "COMPLAINT_MIN_SECONDS", 3)
    if time.time() - issued < min_seconds:
        raise ValidationError(_("提交过快，请核对填写内容后再提交。"), code="too_fast")
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        raise ValidationError(CHALLENGE_ERROR, code="challenge") from None
    if not hmac.compare_digest(_answer_mac(nonce, given), mac):
        raise ValidationError(CHALLENGE_ERROR, code="challenge")
    if not cache.add(f"complaint-challenge:{nonce}", 1, timeout=CHALLENGE_MAX_AGE + 60):
        raise ValidationError(CHALLENGE_ERROR, code="replay")


class RegionField(forms.CharField):
    """A region typed as its GB/T 2260 code (220122) or its unique name (农安县)."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        match = re.match(r"^\s*(\d{6})", text)
        if match:
            region = Region.objects.filter(code=match.group(1)).first()
        else:
            found = list(Region.objects.filter(name=text.strip())[:2])
            region = found[0] if len(found) == 1 else None
            if len(found) > 1:
                raise ValidationError(_("有多个同名地区，请输入6位行政区划代码（如 220122）。"))
        if region is None:
            raise ValidationError(_("未找到该地区，请输入县（市、区）名称或6位行政区划代码。"))
        return region


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("问题类别"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("问题描述"),
        min_length=10,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=gettext_lazy("写明发现的问题、涉及的产品、时间和经过，10 至 3000 字。"),
    )
    place = forms.CharField(
        label=gettext_lazy("发生地点"),
        max_length=200,
        help_text=gettext_lazy("如乡镇、村、市场或店铺地址。"),
    )
    region = RegionField(
        label=gettext_lazy("所在地区"),
        max_length=40,
        help_text=gettext_lazy("县（市、区）名称或 6 位行政区划代码，如“农安县”或“220122”。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    producer_name = forms.CharField(
        label=gettext_lazy("被举报主体名称"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("知道的话请填写企业、合作社、农场或个人经营者的名称。"),
    )
    producer_uscc = forms.CharField(
        label=gettext_lazy("被举报主体统一社会信用代码"),
        max_length=20,
        required=False,
    )
    occurred_on = forms.DateField(
        label=gettext_lazy("发现日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    attachments = EvidenceFilesField(
        label=gettext_lazy("照片或材料"),
        required=False,
        help_text=gettext_lazy("图片（JPEG、PNG、GIF、WEBP）或 PDF，每个不超过 5 MB，最多 3 个。"),
    )
    anonymous = forms.BooleanField(label=gettext_lazy("匿名举报（不留联系方式）"), required=False)
    contact_name = forms.CharField(label=gettext_lazy("您的姓名"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("仅承办人员可见，用于核实情况和告知结果。"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    challenge_answer = forms.CharField(
        label=gettext_lazy("验证题"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label=gettext_lazy("网址（请勿填写）"), required=False)

    def clean_occurred_on(self):
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("日期不能晚于今天。"))
        return day

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        if not value:
            return ""
        try:
            return validate_phone(value)
        except IdentifierError as exc:
            raise ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(CHALLENGE_ERROR, code="honeypot")
        check_challenge(data.get("challenge_token", ""), data.get("challenge_answer"))
        if data.get("anonymous"):
            data["contact_name"], data["contact_phone"] = "", ""
        return data


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=gettext_lazy("受理编号"),
        max_length=24,
        help_text=gettext_lazy("如 TS2026112400123。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    query_code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=16,
        help_text=gettext_lazy("提交时页面显示的 8 位查询码。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
