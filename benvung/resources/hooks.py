"""What resources contributes to the shared parts of the site (discovered by core.registry)."""

from benvung.core import energy

from . import selectors

# Energy by site and year: other domains read it through benvung.core.energy.
energy.sources.register(energy.SOURCE, selectors.site_year_energy)
