import os

from django.apps import AppConfig
from django.conf import settings


class EvidenceConfig(AppConfig):
    name = "evidence"

    def ready(self) -> None:
        # Uploads stream into this folder; it must exist before the first request.
        os.makedirs(settings.FILE_UPLOAD_TEMP_DIR, exist_ok=True)
        from evidence.search import index

        index.connect()
