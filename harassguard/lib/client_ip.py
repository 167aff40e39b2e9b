"""The client's IP address, behind as many reverse proxies as the operator says to trust.

Each proxy appends the address it received the request from to `X-Forwarded-For`, so with
`TRUSTED_PROXY_COUNT` = n the client is the n-th address from the right. Anything further left
was written by the client itself and proves nothing. With n = 0 (no proxy), the socket's peer
(`REMOTE_ADDR`) is the client. The sign-in throttle, the rate limits, custody records and the
list of sign-ins all ask this one function.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, or None when none can be read."""
    peer = _valid(request.META.get("REMOTE_ADDR") or "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < hops:
        # The request did not pass through every trusted proxy: its peer is the best we know.
        return peer
    return _valid(forwarded[-hops]) or peer
