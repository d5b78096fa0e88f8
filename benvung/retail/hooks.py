"""What retail brings to the shared parts of the site (read by `benvung.core.registry`)."""

from benvung.indicators import registry as indicators

from . import measures

for definition in measures.DEFINITIONS:
    indicators.register(definition)
