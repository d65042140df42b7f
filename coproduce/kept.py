"""Values built from the database and kept in the shared cache until what they were built from
changes.

Some things every page shows are read from rows that hardly ever change: the organisation's
name and its header and footer links, the addresses of the site's main sections. Reading them
for each request is several queries a page (docs/benchmarks.md, "Pages against the ceiling");
keeping them is one cache round trip.

A `KeptUntilChanged` names the models its values are built from. Saving or deleting a row of one
of them (or of a subclass: a page of any type), or moving a page, gives it a new version at once
and again when the transaction commits, and a value kept under an older version is never served
again. The
version is a random token, not a counter, so a version key the cache evicted and made again
cannot bring back a value kept under an earlier one. A change that sends no signal (a
`QuerySet.update()`, a migration) shows within `seconds` (60 by default), the most a value is
kept; so does a change made in another process while Redis is away, when each process keeps
its own values (coproduce/cache.py).

A value must be something the cache can pickle, and the same for everyone who asks with the
same key: nothing of the person asking goes in it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_registry: list[KeptUntilChanged] = []
# The version key outlives the values by far; if it lapses, values kept under it are misses.
VERSION_TIMEOUT = 24 * 3600


class KeptUntilChanged:
    def __init__(self, name: str, *, models: tuple[str, ...], seconds: int = 60):
        self.name = name
        self.model_labels = models
        self.seconds = seconds
        self._version_key = f"kept:{name}:version"
        self._models: tuple[type, ...] | None = None
        _registry.append(self)

    def get(self, key: str, build: Callable[[], Any]) -> Any:
        """The value kept under `key`, or `build()`'s, kept for the next request."""
        value_key = f"kept:{self.name}:{key}"
        found = cache.get_many([self._version_key, value_key])
        version = found.get(self._version_key)
        kept = found.get(value_key)
        if version is not None and kept is not None and kept[0] == version:
            return kept[1]
        value = build()
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(self._version_key, version, timeout=VERSION_TIMEOUT):
                return value  # another request made the version first: keep it next time
        cache.set(value_key, (version, value), timeout=self.seconds)
        return value

    def changed(self) -> None:
        """Values kept until now are not served again."""
        cache.set(self._version_key, secrets.token_hex(8), timeout=VERSION_TIMEOUT)

    def depends_on(self, model: type) -> bool:
        if self._models is None:
            self._models = tuple(apps.get_model(label) for label in self.model_labels)
        return issubclass(model, self._models)


def _changed(sender, **kwargs) -> None:
    if not isinstance(sender, type):
        return
    for kept in _registry:
        if kept.depends_on(sender):
            # At once, so the rest of this transaction reads its own change; and again once it
            # commits, so that a value another request built meanwhile from the rows as they
            # were before the commit is not served either.
            kept.changed()
            transaction.on_commit(kept.changed, robust=True)


def _page_moved(sender, **kwargs) -> None:
    from wagtail.models import Page

    _changed(Page)


def connect() -> None:
    """Give values a new version at every saved change of what they were built from (called
    once, by coproduce.home's app)."""
    from wagtail.signals import post_page_move

    post_save.connect(_changed, dispatch_uid="kept-until-changed-save")
    post_delete.connect(_changed, dispatch_uid="kept-until-changed-delete")
    post_page_move.connect(_page_moved, dispatch_uid="kept-until-changed-move")
