"""Keep the safe inline subset of HTML in imported titles and abstracts.

OpenAlex titles carry real markup (<i>, <sup>, <scp>, MathML) and sometimes
markup escaped once more (`&lt;sub&gt;2.5&lt;/sub&gt;`). Only <i>, <b>, <sub>
and <sup> survive, without attributes; every other tag is dropped with its
text kept, <script> and <style> lose their content, and all text is escaped.
The result is safe to render as HTML.
"""

import html
import re
from html.parser import HTMLParser

from profiles.text import collapse_spaces

ALLOWED_TAGS = frozenset({"i", "b", "sub", "sup"})
# Tags whose text is never meant for the reader.
DROPPED_CONTENT_TAGS = frozenset({"script", "style", "template"})
# Inline formulas (MathML, with or without the "mml:" prefix) run straight
# into the words around them in real titles ("Mass in<math>...</math>Collisions"),
# so their edges become spaces when the tags are dropped.
SPACED_TAGS = frozenset({"math", "mml:math"})
# Bidirectional overrides and other invisible format characters that real
# records carry (U+200E, U+202A, U+202C) and that can reorder the page's text.
INVISIBLE_FORMAT_CHARACTERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ESCAPED_TAG = re.compile(r"&lt;/?(?:i|b|sub|sup)&gt;", re.IGNORECASE)


class _InlineSanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_tags: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SPACED_TAGS:
            self.parts.append(" ")
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping += 1
        elif tag in ALLOWED_TAGS and not self.dropping:
            self.parts.append(f"<{tag}>")
            self.open_tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        # Self-closing tags (<br/>, <mml:mspace/>) carry no text to keep.
        if tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in SPACED_TAGS:
            self.parts.append(" ")
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in ALLOWED_TAGS and tag in self.open_tags:
            # Close everything opened after it too, so the output nests.
            while self.open_tags:
                closing = self.open_tags.pop()
                self.parts.append(f"</{closing}>")
                if closing == tag:
                    break

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.open_tags:
            self.parts.append(f"</{self.open_tags.pop()}>")
        return "".join(self.parts)


def sanitize_inline(raw: str | None) -> str:
    """Return `raw` as safe HTML with only <i>, <b>, <sub> and <sup> kept."""
    if not raw:
        return ""
    if _is_plain(raw):
        # Most titles and every rebuilt abstract hold no markup: skip the parser.
        return collapse_spaces(raw)
    text = INVISIBLE_FORMAT_CHARACTERS.sub("", raw)
    if "<" not in text and _ESCAPED_TAG.search(text):
        text = html.unescape(text)
    parser = _InlineSanitizer()
    parser.feed(text)
    return collapse_spaces(parser.result())


def clean_name(raw: str | None) -> str:
    """Return a person's or institution's name as plain text without invisible characters."""
    if not raw:
        return ""
    text = raw.strip()
    # str.isprintable() is False for every format (Cf) and whitespace
    # character other than the space, so a printable name without double
    # spaces is already clean.
    if text.isprintable() and "  " not in text:
        return text
    return collapse_spaces(INVISIBLE_FORMAT_CHARACTERS.sub("", text))


def _is_plain(text: str) -> bool:
    """Return True when `text` has no markup, entity or invisible character to escape or drop."""
    return "<" not in text and ">" not in text and "&" not in text and text.isprintable()
