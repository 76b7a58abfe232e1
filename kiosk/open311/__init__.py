"""Open311 GeoReport v2 adapter: the HTTP client the sync worker uses, and a development server.

``HttpOpen311Client`` implements ``kiosk.services.ports.Open311Client``. ``dev_server`` is a small but real
GeoReport v2 server (stdlib only) for tests, benchmarks and trying the kiosk out without the city's service.
"""

from kiosk.open311.client import HttpOpen311Client
from kiosk.open311.keys import ApiKeyError, api_key_from

__all__ = ["ApiKeyError", "HttpOpen311Client", "api_key_from"]
