"""Chinese is the default language: every user-facing string must have its translation."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    untranslated = [
        e.msgid
        for e in po
        if not e.obsolete
        and (not (e.msgstr or all(e.msgstr_plural.values()) and e.msgstr_plural) or "fuzzy" in e.flags)
    ]
    assert untranslated == []


def test_the_catalogue_holds_every_string_the_code_and_templates_use(tmp_path, settings):
    """Extract afresh (makemessages, into a copy of the catalogue) and compare: a string added to
    the code or a template but never extracted would otherwise show in English to Chinese readers."""
    import os
    import shutil

    from django.core.management import call_command

    # makemessages writes beside the sources it reads, so it reads a copy of them.
    root = PO.parents[3]
    skip = shutil.ignore_patterns(".*", "__pycache__", "var", "tests", "bench", "test-artifacts", "*.mo")
    for name in os.listdir(root):
        if (
            (root / name).is_dir()
            and not name.startswith(".")
            and name not in {"var", "tests", "bench", "test-artifacts"}
        ):
            shutil.copytree(root / name, tmp_path / name, ignore=skip)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    kept = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = [e.msgid for e in fresh if not e.obsolete and (e.msgctxt, e.msgid) not in kept]
    assert missing == [], "run `make messages` and translate these"
    stale = [msgid for ctxt, msgid in kept - {(e.msgctxt, e.msgid) for e in fresh if not e.obsolete}]
    assert stale == [], "strings no longer used: run `make messages`"
