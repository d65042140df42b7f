"""The decision log as an Atom feed (Django syndication)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from engagement.decisions.selectors import decision_list

FEED_LENGTH = 50


class DecisionFeed(Feed):
    feed_type = Atom1Feed
    title = _("Decisions: you said, we did")
    subtitle = _("What commissioners decided, and how what people said shaped it.")
    link = "/decisions/"

    def items(self):
        return decision_list()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return f"decision-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
