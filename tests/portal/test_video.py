"""Uploaded videos in science articles: captions or a transcript are required, the article
plays them with the browser's own player, and publicity staff may manage them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from portal.models import ArticlePage, Video
from portal.workflows import EDITOR_GROUP, REVIEWER_GROUP

pytestmark = pytest.mark.django_db

VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\n\xe7\x9c\x8b\xe5\x90\x88\xe6\xa0\xbc\xe8\xaf\x81\n"


def _video(**fields) -> Video:
    video = Video(title="合格证怎么看（视频）", **fields)
    video.file.save("certificate.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    return video


def test_a_video_needs_captions_or_a_transcript():
    with pytest.raises(ValidationError):
        _video().full_clean()
    _video(transcript="合格证上有五项信息……").full_clean()
    captioned = _video()
    captioned.captions.save("certificate.vtt", ContentFile(VTT), save=False)
    captioned.full_clean()
    bad = Video(title="x", transcript="y")
    bad.file.save("clip.avi", ContentFile(b"RIFF"), save=False)
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_article_plays_the_video_with_captions_and_transcript(client, demo_site):
    video = _video(transcript="第一段文字稿。\n\n第二段。", duration=95)
    video.captions.save("certificate.vtt", ContentFile(VTT), save=False)
    video.save()
    page = ArticlePage.objects.live().filter(locale__language_code="zh-hans").first()
    page.body.append(("video", {"video": video, "caption": "一分半看懂合格证"}))
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    assert '<video controls preload="metadata" playsinline>' in html
    assert f'<source src="{video.file.url}" type="video/mp4">' in html
    assert f'<track kind="captions" src="{video.captions.url}" srclang="zh-Hans"' in html
    assert "一分半看懂合格证" in html and "<summary>文字稿</summary>" in html
    assert "<p>第一段文字稿。</p>" in html


def test_publicity_staff_may_manage_videos(demo_site):
    editors = Group.objects.get(name=EDITOR_GROUP)
    reviewers = Group.objects.get(name=REVIEWER_GROUP)
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_video", "change_video", "view_video"} <= codenames
    assert "delete_video" not in codenames
    assert "delete_video" in set(reviewers.permissions.values_list("codename", flat=True))
