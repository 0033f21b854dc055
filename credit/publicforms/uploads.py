"""Uploads from the public (complaint evidence, objection and repair documents).

* The type is decided by the file's CONTENT (its magic bytes), never by its name or the
  browser's Content-Type: PDF, PNG, JPEG, GIF and WEBP only. A text file or a program
  renamed ``photo.jpg`` is refused.
* The content must also be what the magic bytes promise: an image must parse as that image
  format (Pillow, headers and structure, without decoding all pixels), a PDF must end with
  ``%%EOF`` and may not carry scripts or launch actions, since staff open these files.
* At most `MAX_FILES` files of at most `MAX_BYTES` each.
* Files are stored under a random name with the extension of the detected type, in a
  private storage (PRIVATE_MEDIA_ROOT, default var/private) that is not served under
  MEDIA_URL: staff download them through permission-checked admin views only.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3

# (type, extension, MIME type, label)
KINDS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "png": ("png", "image/png", "PNG"),
    "jpeg": ("jpg", "image/jpeg", "JPEG"),
    "gif": ("gif", "image/gif", "GIF"),
    "webp": ("webp", "image/webp", "WEBP"),
}


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes, or None if it is not an accepted type."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def clean_filename(name: str) -> str:
    """A display name: no directories, no control characters, at most 100 characters."""
    base = os.path.basename(unicodedata.normalize("NFKC", name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return base.strip()[:100] or "file"


def check_upload(upload) -> str:
    """Validate one uploaded file; return its detected type or raise ValidationError."""
    name = clean_filename(getattr(upload, "name", ""))
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 %(mb)s MB。") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _(
                "文件“%(name)s”不是图片或 PDF（只接受 JPEG、PNG、GIF、WEBP 图片和 PDF 文件，"
                "按文件内容判断，不看扩展名）。"
            )
            % {"name": name},
            code="bad_type",
        )
    problem = _pdf_problem(upload) if kind == "pdf" else _image_problem(upload, kind)
    upload.seek(0)
    if problem:
        raise ValidationError(
            _("文件“%(name)s”已损坏或含有不允许的内容，无法接收。") % {"name": name},
            code=problem,
        )
    return kind


# Pillow's format names for the accepted image kinds.
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
# PDF actions that run something when the file is opened (names may be #xx-escaped).
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _image_problem(upload, kind: str) -> str | None:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format != _PIL_FORMATS[kind]:
                return "bad_image"
            image.verify()  # structure and checksums, without decoding every pixel
    except Exception:  # noqa: BLE001 - any parser error means "not a usable image"
        return "bad_image"
    return None


def _pdf_problem(upload) -> str | None:
    upload.seek(0)
    data = b"".join(upload.chunks())
    if b"%%EOF" not in data[-2048:]:
        return "bad_pdf"
    names = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
    if _PDF_ACTIVE.search(names):
        return "active_pdf"
    return None


def stored_name(kind: str) -> str:
    return f"{secrets.token_hex(16)}.{KINDS[kind][0]}"


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT, with no URL: served only by views that check permission.

    The location is read from settings on every access, so tests can point it elsewhere.
    """

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        default = Path(settings.BASE_DIR) / "var" / "private"
        return str(getattr(settings, "PRIVATE_MEDIA_ROOT", None) or default)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files have no public URL")


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Zero or more evidence files, each checked by content; `max_files` at most.

    cleaned_data is a list of (upload, kind) pairs.
    """

    widget = MultipleFileInput

    def __init__(self, *args, max_files: int = MAX_FILES, min_files: int = 0, **kwargs):
        self.max_files, self.min_files = max_files, min_files
        kwargs.setdefault("required", min_files > 0)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault(
            "accept", ".pdf,.jpg,.jpeg,.png,.gif,.webp,application/pdf,image/*"
        )

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) < self.min_files:
            raise ValidationError(
                _("请至少上传 %(n)s 个证明文件。") % {"n": self.min_files}, code="required"
            )
        if len(files) > self.max_files:
            raise ValidationError(
                _("最多上传 %(n)s 个文件。") % {"n": self.max_files}, code="too_many"
            )
        errors, out = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                out.append((upload, check_upload(upload)))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return out
