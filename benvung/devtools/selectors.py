"""Reads about demo data (shown as a banner on every page while it is present)."""


def demo_data_present() -> bool:
    from benvung.directory.models import Organisation

    return Organisation.objects.filter(is_demo=True).exists()
