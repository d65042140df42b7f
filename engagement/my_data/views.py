"""My data: what the site holds about a person, to download, and erasure of the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engagement.my_data import services as people_services
from engagement.profiles.forms import (
    EraseAccountForm,
)

# --- My data ---------------------------------------------------------------------------------


@login_required
def my_data(request):
    return render(request, "engagement/profiles/my_data.html", {})


@login_required
def my_data_download(request):
    data = people_services.person_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def my_data_delete(request):
    form = EraseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        people_services.person_erase(user=user)
        logout(request)
        messages.success(request, _("Your account and personal data have been deleted."))
        return redirect("/")
    return render(request, "engagement/profiles/my_data_delete.html", {"form": form})
