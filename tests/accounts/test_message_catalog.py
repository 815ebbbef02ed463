"""The English catalog in locale/en that rewords django-allauth's strings in sentence case.

A msgid that allauth no longer uses, or a django.mo compiled from an older
django.po, would show allauth's Title Case wording again without any error.
"""

import ast
import gettext
from pathlib import Path

import allauth
from django.conf import settings
from django.utils import translation

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
ALLAUTH_CATALOG = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def read_po(path: Path) -> dict[str, str]:
    """Map each msgid of a .po file to its msgstr, skipping the header and entries with a context or plural.

    Quoted strings use C escapes, which Python string literals share for the
    escapes that gettext writes (\\", \\n, \\\\).
    """
    entries = {}
    fields: dict[str, str] = {}
    keyword = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith('"'):
            fields[keyword] += ast.literal_eval(line)
            continue
        if not line or line.startswith("#"):
            if fields.get("msgid") and not {"msgctxt", "msgid_plural"} & set(fields):
                entries[fields["msgid"]] = fields.get("msgstr", "")
            fields = {}
            continue
        keyword, quoted = line.split(" ", 1)
        fields[keyword] = ast.literal_eval(quoted)
    return entries


def test_catalog_has_entries():
    entries = read_po(CATALOG / "django.po")

    assert entries["Sign Out"] == "Log out"
    assert all(entries.values()), [msgid for msgid, msgstr in entries.items() if not msgstr]


def test_catalog_msgids_exist_in_allauth():
    allauth_msgids = set(read_po(ALLAUTH_CATALOG))

    unknown = sorted(set(read_po(CATALOG / "django.po")) - allauth_msgids)
    assert unknown == [], f"Not in allauth's catalog, so their pages show allauth's wording: {unknown}"


def test_compiled_catalog_matches_source():
    with (CATALOG / "django.mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    stale = {
        msgid: compiled.gettext(msgid)
        for msgid, msgstr in read_po(CATALOG / "django.po").items()
        if compiled.gettext(msgid) != msgstr
    }
    assert stale == {}, "django.mo is older than django.po: run compilemessages --locale en --ignore .venv"


def test_django_uses_catalog():
    with translation.override("en"):
        assert translation.gettext("Two-Factor Authentication") == "Two-factor authentication"
        assert translation.gettext("Sign In Via %(provider)s") % {"provider": "ORCID"} == "Log in via ORCID"
