"""Where uploaded files live: the "private" storage, never served as static or media files."""

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    # A callable, so tests and deployments can point STORAGES["private"] elsewhere.
    return storages["private"]
