"""What the outreach app plugs into the shared parts of the site (found by
benvung.core.registry.autodiscover)."""

from benvung.core import tableimport

from .imports import ActivityImporter, SCPModelImporter

# Activities and SCP models as Excel tables, at /imports/outreach_activity/ and
# /imports/scp_model/.
tableimport.register(ActivityImporter)
tableimport.register(SCPModelImporter)
