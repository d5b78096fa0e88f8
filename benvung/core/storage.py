"""Where uploaded files live: the "private" storage, never served as static or media files.

On one machine that is a folder (PRIVATE_FILES_ROOT); with several nodes, an S3-compatible
object store (settings.STORAGE_BACKEND=s3), reached only through the Storage API, so any node or
worker reads what another wrote.
"""

from typing import Any

from django.core.files.storage import Storage, storages
from storages.backends.s3 import S3Storage


def private_storage() -> Storage:
    # A callable, so tests and deployments can point STORAGES["private"] elsewhere.
    return storages["private"]


class PrivateS3Storage(S3Storage):
    """Private files in S3: stored without public access and never given a URL (not even a
    signed one), so the only way to them is a view that checks who asks and streams them."""

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        raise NotImplementedError(
            "Private files have no URL: a permission-checking view streams them."
        )
