"""allauth adapter: accounts are created by administrators only (no public sign-up); the
client address is read behind the trusted HTTPS proxies (``TRUSTED_PROXIES``); the login itself
counts as a recent authentication for the two-factor pages (no second password right after it)."""

from __future__ import annotations

import ipaddress
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
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


#: allauth's name for its two-factor pages (TOTP set-up, recovery codes) in reauthentication.
MFA_APP = "allauth.mfa"


def logged_in_recently(request: HttpRequest) -> bool:
    """Whether the user of ``request`` typed their password (login or re-authentication) less
    than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds ago, in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    times = [r.get("at", 0) for r in records if r.get("method") == "password"]
    return bool(times) and time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        """allauth only counts an explicit re-authentication as recent, so the first login of a
        role that must set up TOTP asked for the password twice in a row. For the two-factor
        pages, the password typed at login counts too, for the same timeout. The vault keeps
        asking for an explicit re-authentication before revealing a secret."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == MFA_APP and self.request is not None:
            return not logged_in_recently(self.request)
        return required
