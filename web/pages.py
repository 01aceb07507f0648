"""Every module that adds pages to the blueprint, imported once by `web.init_app`."""

from web import (  # noqa: F401  (each adds its routes to `blp`)
    admin_pages,
    audit_pages,
    commands,
    journey_pages,
    my_day,
    sign_in_log,
    signing_in,
)
