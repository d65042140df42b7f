import re

import pytest
from wagtail.log_actions import log

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_dbg(client, role_user, home_page):
    editor = role_user(roles.EDITOR, email="ed.itor@example.org")
    fac = role_user(roles.FACILITATOR, email="fa.cil@example.org")
    other = role_user(roles.FACILITATOR, email="other.fac@example.org")
    group = factories.CoproductionGroupFactory(facilitators=[fac])
    g2 = factories.CoproductionGroupFactory(facilitators=[other])
    log(instance=group, action="wagtail.edit", user=editor)
    log(instance=g2, action="wagtail.edit", user=other)
    log(instance=home_page, action="wagtail.edit", user=editor)
    client.force_login(fac)
    from django.urls import reverse

    for name in [
        "locked_pages",
        "workflow",
        "workflow_tasks",
        "site_history",
        "aging_pages",
        "page_types_usage",
    ]:
        for suffix in ("", "_results"):
            url = reverse(f"wagtailadmin_reports:{name}{suffix}")
            r = client.get(url)
            html = r.content.decode()
            print(url, r.status_code, sorted(set(re.findall(r"[\w.]+@example\.org", html))))
    for url in [
        f"/admin/snippets/deliberation/coproductiongroup/history/{group.pk}/",
        f"/admin/snippets/deliberation/coproductiongroup/history/{g2.pk}/",
        "/admin/users/",
        f"/admin/pages/{home_page.pk}/history/",
        "/admin/",
    ]:
        r = client.get(url)
        print(
            url, r.status_code, sorted(set(re.findall(r"[\w.]+@example\.org", r.content.decode())))
        )
    r = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    print(
        "csv",
        r.status_code,
        sorted(
            set(
                re.findall(
                    r"[\w.]+@example\.org",
                    r.content.decode()
                    if hasattr(r, "content")
                    else b"".join(r.streaming_content).decode(),
                )
            )
        ),
    )
