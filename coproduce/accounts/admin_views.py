"""People and roles, in the Wagtail admin: Editors give and take the platform's roles (and
nothing else: no administrator rights, no other groups)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import roles
from .forms import PeopleSearchForm, RolesForm
from .services import user_set_roles

PAGE_SIZE = 50


def _require_role_giver(user) -> None:
    if not user.has_perm("accounts.assign_roles"):
        raise PermissionDenied


def people(request):
    _require_role_giver(request.user)
    search = PeopleSearchForm(request.GET or None)
    people = get_user_model().objects.prefetch_related("groups").order_by("email")
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        people = people.filter(Q(email__icontains=query) | Q(display_name__icontains=query))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("p"))
    for person in page:
        person.role_names = [g.name for g in person.groups.all() if g.name in roles.ALL_ROLES]
    return render(
        request,
        "accounts/admin/people.html",
        {"page": page, "search": search, "query": query},
    )


def person_roles(request, user_id: int):
    _require_role_giver(request.user)
    person = get_object_or_404(get_user_model(), pk=user_id)
    current = [g.name for g in person.groups.all() if g.name in roles.ALL_ROLES]
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            user_set_roles(user=person, role_names=form.cleaned_data["roles"], by=request.user)
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, _("Roles saved for %(person)s.") % {"person": person.email})
            return redirect("accounts_people")
    return render(
        request,
        "accounts/admin/person_roles.html",
        {
            "person": person,
            "form": form,
            "descriptions": roles.DESCRIPTIONS,
            "checked": set(form["roles"].value() or []),
        },
    )
