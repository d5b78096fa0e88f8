"""What accounts contributes to the shared registries: the generic roles."""

from . import roles

for _role in roles.generic_roles():
    roles.register(_role)
