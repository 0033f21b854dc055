from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .choosers import case_chooser, region_chooser
from .models import Topic


@hooks.register("register_admin_viewset")
def register_choosers():
    return [region_chooser, case_chooser]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("科普专题")
    add_to_admin_menu = False
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]


register_snippet(TopicViewSet)
