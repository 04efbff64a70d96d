"""Addresses the site prints or encodes in a QR code (posters, password slips, certificates):
always on PUBLIC_BASE_URL, never on the Host a request names, which anyone can set (a poster
made from a request with `Host: evil.example` would send a room to that site)."""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The endpoint's full public address, e.g. https://sahayak.example/join/ABC234."""
    adapter = current_app.url_map.bind("public.invalid", script_name="/")
    path = adapter.build(endpoint, values)
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{path}"
