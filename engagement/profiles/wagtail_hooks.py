"""Wagtail admin for expertise profiles: the expertise taxonomy (snippets managed by Editors),
and the directory's search text kept fresh when a term is renamed."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from engagement.profiles.models import ExperienceArea, Language, Locality, Skill
from engagement.profiles.selectors import PROFILE_RELATIONS
from engagement.profiles.services.profiles import profile_refresh_search_text


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


@hooks.register("after_edit_snippet")
def refresh_directory_after_term_edit(request, instance):
    # The directory searches a denormalised copy of each profile's term names; a renamed term
    # must be found under its new name.
    if isinstance(instance, ExperienceArea | Skill | Locality | Language):
        for profile in instance.profiles.prefetch_related(*PROFILE_RELATIONS):
            profile_refresh_search_text(profile=profile)
