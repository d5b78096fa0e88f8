"""What the resource-efficiency app plugs into the shared parts of the site (found by
benvung.core.registry.autodiscover)."""

from benvung.core import tableimport

from .imports import ConsumptionImporter

# The enterprises' consumption workbook, at /imports/consumption/.
tableimport.register(ConsumptionImporter)
