"""Every module that adds pages to the blueprint, imported once by `web.init_app`."""

from web import audit_pages, commands, journey_pages, my_day, signing_in  # noqa: F401
