"""The reader's language, as the site's data picks its wording by it."""


def wants_english(language: str | None) -> bool:
    """Whether text for a reader of `language` (a Django language code) should be the English
    version. The site speaks Chinese and English; Chinese is the default for everything else."""
    return language is not None and language.lower().startswith("en")
