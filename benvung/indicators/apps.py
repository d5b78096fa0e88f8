from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "benvung.indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # Input changes mark results stale and queue their recomputation.
        from . import signals

        signals.connect()
