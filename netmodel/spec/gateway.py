"""Gateway API objects as frozen values: Gateways, their listeners, HTTPRoutes.

Shapes follow ``gateway.networking.k8s.io/v1`` (kubernetes-sigs/gateway-api,
``apis/v1/gateway_types.go`` and ``apis/v1/httproute_types.go``), cut to what a
packet walk needs: a listener's port, protocol and hostname; a route's
parents, hostnames, path matches and weighted Service backends. Header, query
and method matches, filters and TLS details are not modelled.

Matching lives here, next to the values, because it is the API's own
definition (the doc comments of ``Listener.Hostname``, ``HTTPRouteSpec.Hostnames``
and ``PathMatchType``), not a packet behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from netmodel.spec.services import path_prefix_matches

__all__ = [
    "BackendRef",
    "Gateway",
    "HTTPRoute",
    "Listener",
    "ListenerProtocol",
    "ParentRef",
    "PathMatch",
    "PathMatchType",
    "RouteRule",
    "hostname_matches",
    "hostnames_intersect",
]


class ListenerProtocol(StrEnum):
    """The listener protocols an HTTPRoute attaches to (``ProtocolType``)."""

    HTTP = "HTTP"
    HTTPS = "HTTPS"


class PathMatchType(StrEnum):
    EXACT = "Exact"
    PATH_PREFIX = "PathPrefix"


def hostname_matches(pattern: str | None, host: str) -> bool:
    """Whether ``host`` (a request's Host) matches a listener's or a route's
    hostname. No hostname matches every host; ``*.example.com`` is a suffix
    match that "would match both test.example.com, and foo.test.example.com,
    but not example.com" (``Listener.Hostname``, gateway_types.go)."""
    if pattern is None:
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def hostnames_intersect(a: str | None, b: str | None) -> bool:
    """Whether a listener hostname and a route hostname can both match one host
    (``HTTPRouteSpec.Hostnames``: "there MUST be an intersection")."""
    if a is None or b is None:
        return True
    if a.startswith("*.") and b.startswith("*."):
        return a.endswith(b[1:]) or b.endswith(a[1:])
    if a.startswith("*."):
        return hostname_matches(a, b)
    if b.startswith("*."):
        return hostname_matches(b, a)
    return a == b


@dataclass(frozen=True, slots=True)
class Listener:
    name: str
    port: int
    protocol: ListenerProtocol
    hostname: str | None = None  # None: every host

    def __str__(self) -> str:
        return f"{self.name} {self.protocol}/{self.port} {self.hostname or '*'}"


@dataclass(frozen=True, slots=True)
class Gateway:
    """A Gateway and what its implementation runs for it: the proxy pods behind
    ``service``, the LoadBalancer Service the implementation created (named by
    ``namespace/name``)."""

    name: str
    namespace: str
    class_name: str
    listeners: tuple[Listener, ...]
    service: str

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def __str__(self) -> str:
        return f"gateway {self.key} ({self.class_name}, {len(self.listeners)} listeners)"


@dataclass(frozen=True, slots=True)
class ParentRef:
    gateway: str  # namespace/name
    section: str | None = None  # a listener's name; None: every listener


@dataclass(frozen=True, slots=True)
class PathMatch:
    type: PathMatchType
    value: str

    def matches(self, path: str) -> bool:
        """``Exact`` is the whole path, case-sensitive; ``PathPrefix`` goes
        "element by element" and ignores a trailing '/': ``/abc`` matches
        ``/abc``, ``/abc/`` and ``/abc/def``, not ``/abcd`` (``PathMatchType``,
        httproute_types.go)."""
        if self.type is PathMatchType.EXACT:
            return path == self.value
        return path_prefix_matches(self.value, path)

    @property
    def prefix_length(self) -> int:
        """The "number of characters" precedence counts (the trailing '/' ignored)."""
        return len(self.value.rstrip("/")) if self.type is PathMatchType.PATH_PREFIX \
            else len(self.value)

    def __str__(self) -> str:
        return f"{self.type} {self.value}"


@dataclass(frozen=True, slots=True)
class BackendRef:
    service: str  # namespace/name
    port: int
    weight: int = 1

    def __str__(self) -> str:
        return f"{self.service}:{self.port} weight {self.weight}"


@dataclass(frozen=True, slots=True)
class RouteRule:
    matches: tuple[PathMatch, ...]
    backends: tuple[BackendRef, ...]


@dataclass(frozen=True, slots=True)
class HTTPRoute:
    name: str
    namespace: str
    parents: tuple[ParentRef, ...]
    hostnames: tuple[str, ...]
    rules: tuple[RouteRule, ...]
    order: int  # its place in the spec: stands for creationTimestamp (oldest first)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def __str__(self) -> str:
        return f"httproute {self.key} ({len(self.rules)} rules)"
