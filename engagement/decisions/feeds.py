"""The decision log as an Atom feed (Django syndication), valid against RFC 4287: the feed and
every entry name their author (the organisation, never a person), and entry ids are tag: URIs
(RFC 4151) that stay the same even if a decision's address changes."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from coproduce.home.models import OrganisationSettings
from engagement.decisions.selectors import decision_list

FEED_LENGTH = 50


class DecisionFeed(Feed):
    feed_type = Atom1Feed
    title = _("Decisions: you said, we did")
    subtitle = _("What commissioners decided, and how what people said shaped it.")
    link = "/decisions/"

    def get_object(self, request, *args, **kwargs):
        # Read once per request: who publishes the decisions, and the site's host name, which
        # is the authority in the entries' tag: ids.
        site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        organisation = OrganisationSettings.for_site(site) if site else None
        return {
            "author": (organisation.organisation_name if organisation else "") or "Coproduce",
            "authority": site.hostname if site else "localhost",
        }

    def author_name(self, obj):
        return obj["author"]

    def items(self, obj):
        decisions = list(decision_list()[:FEED_LENGTH])
        for decision in decisions:
            decision.feed_author = obj["author"]
            decision.feed_authority = obj["authority"]
        return decisions

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_author_name(self, item):
        return item.feed_author

    def item_guid(self, item):
        # tag:<host>,<date first published>:decision/<id>; never the page's address, which an
        # editor may change.
        published = item.first_published_at or item.latest_revision_created_at
        return f"tag:{item.feed_authority},{published:%Y-%m-%d}:decision/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
