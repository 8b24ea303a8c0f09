"""IP addresses and CIDRs as kubectl prints them, IPv4 kept, IPv6 counted."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network

from netmodel.kubeimport.fields import Fields, Path

__all__ = ["address", "network"]


def address(fields: Fields, path: Path, text: str) -> IPv4Address | None:
    """``text`` as an IPv4 address; None for an IPv6 one (the caller counts it)."""
    try:
        value = ip_address(text)
    except ValueError:
        raise fields.fail(path, f"{text!r} is not an IP address") from None
    return value if isinstance(value, IPv4Address) else None


def network(fields: Fields, path: Path, text: str) -> IPv4Network | None:
    """``text`` as an IPv4 CIDR; None for an IPv6 one."""
    try:
        value = ip_network(text)
    except ValueError:
        raise fields.fail(path, f"{text!r} is not a CIDR") from None
    return value if isinstance(value, IPv4Network) else None
