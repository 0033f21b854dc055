from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pagekit import hooks as kit_hooks

from . import feeds, seo
from .models import Topic, Video

# --- what the page kit asks of the site (pagekit.hooks) ------------------------------------

# Dated pages' JSON-LD, published by the organiser named in PortalSettings.
hooks.register(kit_hooks.NEWS_ARTICLE, seo.news_article)


@hooks.register(kit_hooks.SECTION_FEEDS)
def section_feeds():
    return {"rss": feeds.SectionRssFeed, "atom": feeds.SectionAtomFeed}


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("科普专题")
    add_to_admin_menu = False
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]


register_snippet(TopicViewSet)


class VideoViewSet(SnippetViewSet):
    """Videos for articles (the 视频 block chooses from these)."""

    model = Video
    icon = "media"
    menu_label = _("视频")
    add_to_admin_menu = False
    list_display = ["title", "created_at"]
    search_fields = ["title"]


register_snippet(VideoViewSet)


# --- moderation and notices ------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_notice_draft_url():
    from django.urls import path

    from .views import DraftNoticeView

    return [path("portal/notices/draft/", DraftNoticeView.as_view(), name="portal_draft_notice")]


class DraftNoticeMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import user_can_draft_notice

        return user_can_draft_notice(request.user)


@hooks.register("register_admin_menu_item")
def register_notice_draft_menu_item():
    return DraftNoticeMenuItem(
        _("生成不合格通报草稿"),
        reverse_lazy("portal_draft_notice"),
        icon_name="warning",
        name="portal-draft-notice",
        order=250,
    )


@hooks.register("register_page_header_buttons")
def notice_index_header_buttons(page, user, view_name, next_url=None):
    """On the 不合格通报 section's listing: a button to draft a notice from data."""
    from .models import NoticeIndexPage
    from .views import user_can_draft_notice

    if page.specific_class is NoticeIndexPage and user_can_draft_notice(user):
        yield Button(
            _("生成不合格通报草稿"),
            reverse("portal_draft_notice"),
            icon_name="warning",
            priority=80,
        )


from portal.complaints import admin as complaints_admin  # noqa: E402,F401  (投诉举报 triage)
