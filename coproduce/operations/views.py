"""Health endpoints for load balancers, and the error page that never needs the database."""

import asyncio
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from health_check.checks import Database
from health_check.views import HealthCheckView

from .checks import ChannelLayer, MigrationsApplied, TaskBacklog, cache_check
from .request_id import current_request_id


@never_cache
def live(request):
    """The process answers. Touches no database, cache or channel layer, so an orchestrator
    restarts a process only for its own faults, never for a shared service's."""
    return JsonResponse({"status": "ok"})


class ReadyView(HealthCheckView):
    """Whether this process should take traffic.

    Only what this process cannot serve a page without makes it unready: the database and
    its migrations (`503`, `"status": "unavailable"`). Redis (the cache and the channel layer)
    and the background worker are shared by every process, and the site fails open without
    them (coproduce.cache: pages answer, rooms store and acknowledge), so taking every process
    out of the load balancer for them would turn a degraded site into no site: they answer
    `200` with `"status": "degraded"` and name what failed. A monitor that must page someone
    for those asks `?strict=1`, which answers `503` for any failing check."""

    required = ("database", "migrations")

    def named_checks(self) -> dict:
        return {
            "database": Database(),
            "migrations": MigrationsApplied(),
            "cache": cache_check(),
            "channel_layer": ChannelLayer(),
            "task_backlog": TaskBacklog(),
        }

    async def get(self, request, *args, **kwargs):
        # The library runs the checks concurrently, each within its timeout; the answer is
        # always this JSON, whatever the Accept header (its HTML page is not used).
        named = self.named_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in named.values())
            )
        checks = {
            name: "ok" if result.error is None else str(result.error)
            for name, result in zip(named, results, strict=True)
        }
        failing = [name for name, value in checks.items() if value != "ok"]
        strict = request.GET.get("strict") not in (None, "", "0")
        if any(name in self.required for name in failing) or (strict and failing):
            status, code = "unavailable", 503
        elif failing:
            status, code = "degraded", 200
        else:
            status, code = "ok", 200
        return JsonResponse({"status": status, "checks": checks}, status=code)


ready = ReadyView.as_view()

# A database that cannot be reached (a restart, a failover) is worth retrying; other errors not.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: the site's own page, rendered from the template alone (no context
    processors, no database, no cache), with the reference support can search the logs for.

    While the database cannot be reached the answer is 503 with `Retry-After`, and the page
    says to try again in a minute."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_UNAVAILABLE)
    reference = getattr(request, "request_id", "") or current_request_id()
    body = loader.get_template("500.html").render(
        {"reference": reference, "unavailable": unavailable}
    )
    response = HttpResponse(body, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = "30"
    return response
