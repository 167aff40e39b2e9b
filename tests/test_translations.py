"""Chinese is the default language: every user-facing string must have its translation."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po if not e.obsolete
                    and (not (e.msgstr or all(e.msgstr_plural.values()) and e.msgstr_plural) or "fuzzy" in e.flags)]
    assert untranslated == []
