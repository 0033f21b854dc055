from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CaseCategory


class CaseCategoryViewSet(SnippetViewSet):
    model = CaseCategory
    icon = "tag"
    menu_label = _("案例类别")
    add_to_admin_menu = False
    list_display = ["name", "name_en", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(CaseCategoryViewSet)
