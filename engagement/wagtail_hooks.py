"""Admin screens: the expertise taxonomy, managed by Editors as snippets."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from engagement.models import ExperienceArea, Language, Locality, Skill


class ExperienceAreaViewSet(SnippetViewSet):
    model = ExperienceArea
    icon = "tag"
    menu_label = "Experience areas"
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "description"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "pick"
    menu_label = "Skills"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class LocalityViewSet(SnippetViewSet):
    model = Locality
    icon = "site"
    menu_label = "Localities"
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    menu_label = "Languages"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ExpertiseTaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Expertise taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (ExperienceAreaViewSet, SkillViewSet, LocalityViewSet, LanguageViewSet)


register_snippet(ExpertiseTaxonomyGroup)
