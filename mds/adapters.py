"""allauth adapter: accounts are created by administrators only (no public sign-up); the
client address is read behind the trusted HTTPS proxies (``TRUSTED_PROXIES``)."""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # v4:port
        address = address.split(":")[0]
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def trusted_networks() -> list[IPNetwork]:
    return [ipaddress.ip_network(item.strip(), strict=False) for item in settings.TRUSTED_PROXIES]


def client_ip(request: HttpRequest) -> str:
    """The address of the client, not of our proxy.

    Start from the socket's address; while it belongs to a trusted proxy, step left in
    ``X-Forwarded-For`` (each proxy appends the address it received from). The first address
    that is not a trusted proxy is the client: anything further left was written by the client
    itself and is ignored, so a forged header cannot pick another person's address.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address(0)
    networks = trusted_networks()
    if not networks:
        return str(remote)
    chain = [item for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if item]
    current = remote
    while any(current in network for network in networks) and chain:
        parsed = _parse(chain.pop())
        if parsed is None:
            break
        current = parsed
    return str(current)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)
