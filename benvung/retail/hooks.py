"""What the retail app plugs into the shared parts of the site (found by
benvung.core.registry.autodiscover)."""

from benvung.core import tableimport

from .imports import SurveyImporter

# The packaging surveys as an Excel table, at /imports/retail_survey/.
tableimport.register(SurveyImporter)
