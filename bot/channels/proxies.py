"""The proxy the environment names for an origin (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and
NO_PROXY, as httpx reads them), looked up once per origin.

The aiohttp sessions run with `trust_env=False`: with it aiohttp would read the environment
and ~/.netrc (in a thread) on every request.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit


class EnvironmentProxies:
    """Remembers the proxy of each origin it was asked about."""

    def __init__(self) -> None:
        self._proxies: dict[str, str | None] = {}

    def for_url(self, url: str) -> str | None:
        """Return the proxy for the URL's origin, or None to connect directly."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            proxies = urllib.request.getproxies()
            bypass = parts.hostname is not None and urllib.request.proxy_bypass(parts.hostname)
            found = proxies.get(parts.scheme) or proxies.get("all")
            self._proxies[origin] = None if bypass else found
        return self._proxies[origin]
