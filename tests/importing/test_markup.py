"""Sanitizing imported titles and abstracts to the safe inline subset."""

import re

import pytest

from profiles.importing.markup import clean_name, sanitize_inline
from profiles.text import collapse_spaces
from tests.importing.conftest import edge_record


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<i>Annual Reports</i> 2009", "<i>Annual Reports</i> 2009"),
        ("H<sub>2</sub>O and x<sup>2</sup>", "H<sub>2</sub>O and x<sup>2</sup>"),
        ("<b>Bold</b>", "<b>Bold</b>"),
        ('<i class="x" onclick="alert(1)">R</i>', "<i>R</i>"),
        ("<I>upper</I>", "<i>upper</i>"),
        ("<scp>Dna</scp> repair", "Dna repair"),
        ("a <script>alert(1)</script>b", "a b"),
        ("<style>p{}</style>text", "text"),
        ('<a href="javascript:x">link</a>', "link"),
        ("<img src=x onerror=alert(1)>after", "after"),
        ("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2"),
        ("Q&amp;A communities", "Q&amp;A communities"),
        ("<i>unclosed", "<i>unclosed</i>"),
        ("<i><b>crossed</i></b>", "<i><b>crossed</b></i>"),
        ("stray </sup> end", "stray end"),
        ("line<br/>break", "line break"),
        ("  many \n spaces\t", "many spaces"),
        ("", ""),
        (None, ""),
    ],
)
def test_sanitize_inline_cases(raw, expected):
    assert sanitize_inline(raw) == expected


def test_once_escaped_tags_become_markup():
    assert sanitize_inline("PM&lt;sub&gt;2.5&lt;/sub&gt; simulation") == "PM<sub>2.5</sub> simulation"


def test_once_escaped_unsafe_tags_stay_text():
    assert sanitize_inline("&lt;script&gt;x&lt;/script&gt;") == "&lt;script&gt;x&lt;/script&gt;"


def test_mathml_title_keeps_text_only():
    title = edge_record("W1694905212")["title"]

    cleaned = sanitize_inline(title)

    assert cleaned == (
        "Combined Measurement of the Higgs Boson Mass in pp Collisions at s=7 and 8 TeV "
        "with the ATLAS and CMS Experiments"
    )


def test_bidi_characters_removed():
    assert sanitize_inline("\u202atitle\u202c\u200e") == "title"
    assert clean_name("\u200eKamran\u200f Abbasi") == "Kamran Abbasi"


def test_invisible_characters_in_real_name():
    authorships = edge_record("W4388292891")["authorships"]
    names = [authorship["author"]["display_name"] for authorship in authorships]

    assert "Peush \u200eSahni" in names
    assert "Peush Sahni" in [clean_name(name) for name in names]


def test_clean_name_keeps_non_latin():
    assert clean_name(" Κωνσταντίνος  Δράκος ") == "Κωνσταντίνος Δράκος"
    assert clean_name("Daan in ׳t Veld") == "Daan in ׳t Veld"
    assert clean_name(None) == ""


def test_collapse_spaces_matches_regex():
    # Each character that Python's regular expressions call whitespace, in
    # runs, at both ends and between words.
    spaces = "".join(chr(code) for code in range(0x3001) if re.fullmatch(r"\s", chr(code)))
    text = f"{spaces}Mass{spaces[:3]}in\u00a0\u00a0the\u2003LHC {spaces}"
    assert collapse_spaces(text) == re.sub(r"\s+", " ", text).strip() == "Mass in the LHC"
