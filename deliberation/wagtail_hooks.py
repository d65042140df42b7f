"""Admin screens for co-production groups and sessions (Wagtail snippets).

Editors manage every group. Facilitators see and change only the groups they facilitate and
those groups' sessions: object-level checks through the same django-rules predicate the room
uses."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    HistoryView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from coproduce.accounts.rules import is_editor

from .models import CoproductionGroup, Session
from .rules import is_group_facilitator


class FacilitatedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (from the role's Django group) narrowed to the groups a facilitator
    facilitates. Editors and superusers are not narrowed."""

    facilitator_lookup = "facilitators"

    def _sees_everything(self, user) -> bool:
        return user.is_superuser or is_editor(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self._sees_everything(user) or is_group_facilitator(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = super().instances_user_has_any_permission_for(user, actions)
        if self._sees_everything(user):
            return queryset
        return queryset.filter(Q(**{self.facilitator_lookup: user})).distinct()


class SessionPermissionPolicy(FacilitatedPermissionPolicy):
    facilitator_lookup = "group__facilitators"


class _InstanceCheckedMixin:
    """Wagtail's edit and delete views check the model permission only; these check the
    instance too, so a facilitator cannot open another group's record by its URL."""

    instance_action = "change"

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.instance_action, instance
        ):
            raise PermissionDenied
        return instance


class FacilitatedEditView(_InstanceCheckedMixin, EditView):
    instance_action = "change"


class FacilitatedDeleteView(_InstanceCheckedMixin, DeleteView):
    instance_action = "delete"


class FacilitatedHistoryView(HistoryView):
    """A group's or session's history (who did what, by name or email): only for records the
    person may see in the listing, so a facilitator cannot read another group's by its URL."""

    def get_base_object_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "view"]
        )


register_permission_policy(CoproductionGroup, FacilitatedPermissionPolicy(CoproductionGroup))
register_permission_policy(Session, SessionPermissionPolicy(Session))


class CoproductionGroupViewSet(SnippetViewSet):
    model = CoproductionGroup
    icon = "group"
    menu_label = _("Groups")
    list_display = ["name", "slug"]
    search_fields = ["name", "purpose"]
    edit_view_class = FacilitatedEditView
    delete_view_class = FacilitatedDeleteView
    history_view_class = FacilitatedHistoryView

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        )


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    list_display = ["title", "group", "scheduled_at", "status"]
    list_filter = ["status", "group"]
    search_fields = ["title"]
    edit_view_class = FacilitatedEditView
    delete_view_class = FacilitatedDeleteView
    history_view_class = FacilitatedHistoryView

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("group")


class DeliberationViewSetGroup(SnippetViewSetGroup):
    items = (CoproductionGroupViewSet, SessionViewSet)
    menu_icon = "group"
    menu_label = _("Co-production")
    menu_name = "coproduction"


register_snippet(DeliberationViewSetGroup)
