"""Settings for bench/load.py: the site's own, plus a bare "hello" view as the reference."""

from harassguard.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
