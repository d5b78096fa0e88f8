"""What the directory brings to the shared parts of the site (benvung.core.registry)."""

from benvung.accounts import home as accounts_home

from . import home

accounts_home.PARTS.register("directory", home.home_part)
