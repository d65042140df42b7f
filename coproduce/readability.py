"""A readability hint beside Easy Read fields in the Wagtail admin: a hint, never a gate.

textstat's measures that need no pronunciation dictionary (its syllable counts for English
download NLTK's cmudict on first use, which a server must not do): words per sentence, long
words, and the Automated Readability Index as a school year. Easy Read guidance asks for short
sentences (about 15 words or fewer) and everyday words."""

import textstat
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.admin.panels import FieldPanel

# Easy Read guidance: one idea a sentence, about 15 words or fewer.
EASY_READ_WORDS_PER_SENTENCE = 15


def _plain(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "render_as_block"):
        value = value.render_as_block()
    return " ".join(strip_tags(str(value)).split())


def readability_hint(value) -> str:
    """Plain words about how easy the text is to read, or a prompt when it is empty."""
    text = _plain(value)
    words = textstat.lexicon_count(text) if text else 0
    if not words:
        return _("Readability: write the Easy Read version to see how easy it is to read.")
    sentences = max(1, textstat.sentence_count(text))
    per_sentence = words / sentences
    long_words = textstat.long_word_count(text)
    year = max(1, round(textstat.automated_readability_index(text)))
    hint = _(
        "Readability: %(per_sentence).0f words a sentence on average (Easy Read aims for "
        "%(aim)d or fewer); %(long)d long words; about school year %(year)d "
        "(Automated Readability Index)."
    ) % {
        "per_sentence": per_sentence,
        "aim": EASY_READ_WORDS_PER_SENTENCE,
        "long": long_words,
        "year": year,
    }
    if per_sentence > EASY_READ_WORDS_PER_SENTENCE:
        hint += " " + _("Try shorter sentences.")
    return hint


class ReadabilityFieldPanel(FieldPanel):
    """A FieldPanel whose help text ends with the readability of the value saved so far."""

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.bound_field is None:
                return
            value = self.bound_field.value()
            if not isinstance(value, str):
                value = getattr(self.instance, self.field_name, None)
            hint = readability_hint(value)
            self.help_text = f"{self.help_text} {hint}".strip() if self.help_text else hint
