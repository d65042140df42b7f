"""StreamField blocks for editors: NHS.UK frontend components, each described for the admin's
block picker and previewable there."""

from wagtail import blocks
from wagtailnhsukfrontend import blocks as nhsuk


class ActionLinkBlock(nhsuk.ActionLinkBlock):
    class Meta:
        icon = "link"
        template = "wagtailnhsukfrontend/action_link.html"
        description = "A prominent link that starts a task, such as answering a consultation."
        preview_value = {"text": "Have your say", "external_url": "https://example.org/"}


class InsetTextBlock(nhsuk.InsetTextBlock):
    class Meta:
        icon = "doc-full"
        template = "wagtailnhsukfrontend/inset_text.html"
        description = "Text set apart from the rest, for something people should not miss."
        preview_value = {"body": "<p>You can ask for this page in easy read or large print.</p>"}


class WarningCalloutBlock(nhsuk.WarningCalloutBlock):
    class Meta:
        icon = "warning"
        template = "wagtailnhsukfrontend/warning_callout.html"
        description = "A warning with a heading, for information people must act on."
        preview_value = {
            "title": "Important",
            "heading_level": 3,
            "body": "<p>This consultation closes on 31 January.</p>",
        }


class CardBlock(nhsuk.CardClickableBlock):
    class Meta:
        icon = "form"
        template = "wagtailnhsukfrontend/card.html"
        description = "A card that links to another page, with a heading and a short summary."
        preview_value = {
            "heading": "Consultations",
            "heading_level": 3,
            "body": "<p>Tell commissioners what matters to you.</p>",
        }


class CardGroupBlock(nhsuk.CardGroupBlock):
    class Meta:
        icon = "grip"
        template = "wagtailnhsukfrontend/card_collection.html"
        description = "Two, three or four cards side by side."


class DetailsBlock(nhsuk.DetailsBlock):
    class Meta:
        icon = "collapse-down"
        template = "wagtailnhsukfrontend/details.html"
        description = "A short question that opens to show more, such as 'What is co-production?'."


class SummaryListBlock(nhsuk.SummaryListBlock):
    class Meta:
        icon = "list-ul"
        template = "wagtailnhsukfrontend/summary_list.html"
        description = "Pairs of keys and values, such as the facts of a service."


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        form_classname = "title"
        description = "A section heading (level 2)."
        preview_value = "What happens next"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3", "document-link"],
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description="Text with links and lists.",
        preview_value="<p>Co-production means people who use services shape them.</p>",
    )
    action_link = ActionLinkBlock()
    inset_text = InsetTextBlock()
    warning_callout = WarningCalloutBlock()
    card = CardBlock()
    card_group = CardGroupBlock()
    details = DetailsBlock()
    summary_list = SummaryListBlock()

    class Meta:
        template = "blocks/body_block.html"
