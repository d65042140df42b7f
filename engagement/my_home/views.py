"""Your home: the page a signed-in person starts from."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engagement.my_home.selectors import home_for


@require_GET
@login_required
def my_home(request):
    user = request.user
    home = home_for(
        user=user,
        may_review_claims=user.has_perm("engagement.review_claims"),
        may_see_opportunities=user.has_perm("engagement.keep_profile"),
    )
    return render(request, "engagement/my_home/home.html", {"home": home})
