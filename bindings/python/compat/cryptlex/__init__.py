"""The vendor's top-level package name, served by OpenLex (see cryptlex.lexactivator)."""

from cryptlex.lexactivator import *  # noqa: F401,F403
