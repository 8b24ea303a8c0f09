"""Load the ``gateways:`` and ``httpRoutes:`` sections.

Validation is the Gateway API CRDs' (kubernetes-sigs/gateway-api, ``apis/v1``):
the OpenAPI markers (``+kubebuilder:validation:…``) and the CEL rules
(``XValidation``) the API server runs on a create, each named next to its
check. What the API server accepts but a controller would not attach (a
parentRef to no Gateway, a route in another namespace than a listener's
default ``allowedRoutes: {namespaces: {from: Same}}``) is a warning and the
reference is ignored, as the route's status would say ``Accepted: False``.

``proxy.service`` is netmodel's own field, like an Ingress's ``controller``:
the Service the implementation created for the Gateway (Envoy Gateway's
``envoy-<namespace>-<name>-<hash>`` LoadBalancer), with the proxy pods behind it.
"""

from __future__ import annotations

import re
from typing import Any

from netmodel.spec.fields import Fields
from netmodel.spec.gateway import (
    BackendRef,
    Gateway,
    HTTPRoute,
    Listener,
    ListenerProtocol,
    ParentRef,
    PathMatch,
    PathMatchType,
    RouteRule,
    hostnames_intersect,
)
from netmodel.spec.keys import DEFAULT_NAMESPACE
from netmodel.spec.names import NameKind, problem
from netmodel.spec.services import Service
from netmodel.spec.shown import shown
from netmodel.spec.warning import SpecWarning
from netmodel.spec.yamlsource import Path, SourceDoc, format_path

__all__ = ["load_gateways", "load_http_routes"]

# shared_types.go Hostname: MinLength 1, MaxLength 253, and this pattern.
_HOSTNAME = re.compile(r"(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# gateway_types.go ProtocolType: MaxLength 255 and this pattern.
_PROTOCOL = re.compile(r"[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?|[a-z0-9]([-a-z0-9]*[a-z0-9])?"
                       r"(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]+")
# httproute_types.go HTTPPathMatch: the characters an Exact or PathPrefix value may hold.
_PATH_CHARS = re.compile(r"(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+")
# HTTPPathMatch's CEL rules, in the CRD's order: (test, message as the API server says it).
_PATH_RULES = (
    (lambda v: not v.startswith("/"), "value must be an absolute path and start with '/'"),
    (lambda v: "//" in v, "must not contain '//'"),
    (lambda v: "/./" in v, "must not contain '/./'"),
    (lambda v: "/../" in v, "must not contain '/../'"),
    (lambda v: "%2f" in v, "must not contain '%2f'"),
    (lambda v: "%2F" in v, "must not contain '%2F'"),
    (lambda v: "#" in v, "must not contain '#'"),
    (lambda v: v.endswith("/.."), "must not end with '/..'"),
    (lambda v: v.endswith("/."), "must not end with '/.'"),
)
_MAX_MATCHES_PER_ROUTE = 128  # HTTPRouteSpec.Rules' CEL rule: "less than 128" (it is <=)
_LISTENER_FIELDS = ("name", "port", "protocol", "hostname", "tls")


class _GatewayLoader(Fields):
    def __init__(self, doc: SourceDoc, services: tuple[Service, ...]) -> None:
        super().__init__(doc)
        self.services = {s.key: s for s in services}
        self.warnings: list[SpecWarning] = []

    def warn(self, path: Path, text: str) -> None:
        self.warnings.append(SpecWarning(self.doc.file, self.doc.line_of(path),
                                         format_path(path), text))

    def meta(self, conf: dict[str, Any], path: Path, kind: NameKind) -> tuple[str, str]:
        if "name" not in conf:
            raise self.fail(path, "missing name")
        name = self.k8s_name(conf["name"], (*path, "name"), kind)
        namespace = self.k8s_name(conf.get("namespace", DEFAULT_NAMESPACE),
                                  (*path, "namespace"), NameKind.NAMESPACE)
        return name, namespace

    def bounded(self, value: Any, path: Path, high: int, low: int = 0) -> list[Any]:
        items = self.sequence(value, path)
        if not low <= len(items) <= high:
            need = f"at least {low}" if len(items) < low else f"at most {high}"
            raise self.fail(path, f"{len(items)} items (expected {need}: the CRD's "
                            f"{'MinItems' if len(items) < low else 'MaxItems'})")
        return items

    def object_name(self, value: Any, path: Path) -> str:
        # shared_types.go ObjectName: MinLength 1, MaxLength 253, no pattern.
        text = self.string(value, path)
        if len(text) > 253:
            raise self.fail(path, f"{shown(text)} is longer than 253 characters")
        return text

    def hostname(self, value: Any, path: Path) -> str:
        text = self.string(value, path)
        if len(text) > 253 or _HOSTNAME.fullmatch(text) is None:
            raise self.fail(path, f"{shown(text)} is not a valid hostname (expected lower-case "
                            "DNS labels, a wildcard only as a leading '*.', no IP "
                            "address, at most 253 characters)")
        return text

    # -- Gateways ------------------------------------------------------------

    def gateways(self, raw: list[Any]) -> tuple[Gateway, ...]:
        out: list[Gateway] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            path: Path = ("gateways", i)
            conf = self.mapping(item, path, ("name", "namespace", "gatewayClassName",
                                             "listeners", "proxy"))
            name, namespace = self.meta(conf, path, NameKind.GATEWAY)
            key = f"{namespace}/{name}"
            if key in seen:
                raise self.fail((*path, "name"), f"duplicate gateway {shown(key)} (first at "
                                f"gateways[{seen[key]}])")
            seen[key] = i
            if "gatewayClassName" not in conf:
                raise self.fail(path, "missing gatewayClassName (required)")
            class_name = self.object_name(conf["gatewayClassName"],
                                          (*path, "gatewayClassName"))
            # GatewaySpec.Listeners: MinItems 1, MaxItems 64.
            listeners = self.listeners(self.bounded(conf.get("listeners"),
                                                    (*path, "listeners"), 64, 1),
                                       (*path, "listeners"))
            if "proxy" not in conf:
                raise self.fail(path, "missing proxy (netmodel's: {service: NAMESPACE/NAME}, "
                                "the Service the implementation created for the proxy pods)")
            proxy = self.mapping(conf["proxy"], (*path, "proxy"), ("service",))
            service = self.proxy_service(proxy.get("service"), (*path, "proxy", "service"),
                                         listeners)
            out.append(Gateway(name, namespace, class_name, listeners, service))
        return tuple(out)

    def listeners(self, raw: list[Any], path: Path) -> tuple[Listener, ...]:
        out: list[Listener] = []
        for j, item in enumerate(raw):
            lpath: Path = (*path, j)
            conf = self.mapping(item, lpath, _LISTENER_FIELDS)
            for required in ("name", "port", "protocol"):
                if required not in conf:
                    raise self.fail(lpath, f"missing {required} (required)")
            name = self.k8s_name(conf["name"], (*lpath, "name"), NameKind.SECTION_NAME)
            # Listener.Port: Minimum 1, Maximum 65535.
            port = self.integer(conf["port"], (*lpath, "port"), 1, 65535)
            protocol = self.protocol(conf["protocol"], (*lpath, "protocol"))
            hostname = (self.hostname(conf["hostname"], (*lpath, "hostname"))
                        if "hostname" in conf else None)
            self.tls(conf, lpath, protocol)
            # GatewaySpec.Listeners' CEL rules.
            if any(other.name == name for other in out):
                raise self.fail((*lpath, "name"), "Listener name must be unique within the "
                                "Gateway")
            if any((o.port, o.protocol, o.hostname) == (port, protocol, hostname) for o in out):
                raise self.fail(lpath, "Combination of port, protocol and hostname must be "
                                "unique for each listener")
            out.append(Listener(name, port, protocol, hostname))
        return tuple(out)

    def protocol(self, value: Any, path: Path) -> ListenerProtocol:
        text = self.string(value, path)
        if len(text) > 255 or _PROTOCOL.fullmatch(text) is None:
            raise self.fail(path, f"{shown(text)} is not a valid protocol (expected HTTP, "
                            "HTTPS, TLS, TCP, UDP or a domain-prefixed name)")
        try:
            return ListenerProtocol(text)
        except ValueError:
            raise self.fail(path, f"protocol {shown(text)} is not modelled (netmodel walks "
                            "HTTPRoutes: expected HTTP or HTTPS)") from None

    def tls(self, conf: dict[str, Any], path: Path, protocol: ListenerProtocol) -> None:
        if "tls" not in conf:
            return
        tpath: Path = (*path, "tls")
        if protocol is ListenerProtocol.HTTP:
            raise self.fail(tpath, "tls must not be specified for protocols ['HTTP', 'TCP', "
                            "'UDP']")
        tls = self.mapping(conf["tls"], tpath, ("mode", "certificateRefs"))
        mode = self.string(tls.get("mode", "Terminate"), (*tpath, "mode"))
        if mode not in ("Terminate", "Passthrough"):
            raise self.fail((*tpath, "mode"), f"unknown mode {shown(mode)} (expected one of "
                            "Passthrough, Terminate)")
        if mode != "Terminate":
            raise self.fail((*tpath, "mode"), "tls mode must be Terminate for protocol HTTPS")
        refs = self.bounded(tls.get("certificateRefs"), (*tpath, "certificateRefs"), 64)
        for k, ref in enumerate(refs):
            rconf = self.mapping(ref, (*tpath, "certificateRefs", k), ("name", "namespace"))
            self.object_name(rconf.get("name"), (*tpath, "certificateRefs", k, "name"))
        if not refs:
            # ListenerTLSConfig's CEL rule (options are not modelled).
            raise self.fail(tpath, "certificateRefs or options must be specified when mode "
                            "is Terminate")

    def proxy_service(self, value: Any, path: Path, listeners: tuple[Listener, ...]) -> str:
        text = self.string(value, path)
        ns, slash, name = text.rpartition("/")
        if not slash:
            raise self.fail(path, f"{shown(text)}: expected NAMESPACE/NAME of the Service the "
                            "implementation created (Envoy Gateway puts it in its own "
                            "namespace, envoy-gateway-system)")
        for part, kind in ((ns, NameKind.NAMESPACE), (name, NameKind.SERVICE)):
            why = problem(part, kind)
            if why is not None:
                raise self.fail(path, f"in {shown(text)}: {why}")
        svc = self.services.get(text)
        if svc is None:
            raise self.fail(path, f"unknown service {shown(text)} (the Gateway's proxy Service)")
        ports = {p.port for p in svc.ports}
        for listener in listeners:
            # The implementation opens one Service port per listener port.
            if listener.port not in ports:
                raise self.fail(path, f"service {text} has no port {listener.port} for "
                                f"listener {listener.name} (ports: "
                                f"{', '.join(str(p) for p in sorted(ports))})")
        return text

    # -- HTTPRoutes ----------------------------------------------------------

    def routes(self, raw: list[Any], gateways: tuple[Gateway, ...]) -> tuple[HTTPRoute, ...]:
        by_key = {g.key: g for g in gateways}
        out: list[HTTPRoute] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            path: Path = ("httpRoutes", i)
            conf = self.mapping(item, path, ("name", "namespace", "parentRefs", "hostnames",
                                             "rules"))
            name, namespace = self.meta(conf, path, NameKind.HTTP_ROUTE)
            key = f"{namespace}/{name}"
            if key in seen:
                raise self.fail((*path, "name"), f"duplicate httpRoute {shown(key)} (first at "
                                f"httpRoutes[{seen[key]}])")
            seen[key] = i
            # CommonRouteSpec.ParentRefs: MaxItems 32.
            parents = tuple(
                p for j, ref in enumerate(self.bounded(conf.get("parentRefs"),
                                                       (*path, "parentRefs"), 32))
                if (p := self.parent(ref, (*path, "parentRefs", j), namespace, by_key))
                is not None)
            if not parents:
                self.warn(path, "no parentRef names a Gateway in the spec that accepts it: "
                          "the route is attached to nothing")
            # HTTPRouteSpec.Hostnames: MaxItems 16.
            hostnames = tuple(self.hostname(h, (*path, "hostnames", j)) for j, h in
                              enumerate(self.bounded(conf.get("hostnames"),
                                                     (*path, "hostnames"), 16)))
            parents = self.accepted(parents, hostnames, by_key, path)
            rules = self.rules(conf, path, namespace)
            out.append(HTTPRoute(name, namespace, parents, hostnames, rules, i))
        return tuple(out)

    def accepted(self, parents: tuple[ParentRef, ...], hostnames: tuple[str, ...],
                 gateways: dict[str, Gateway], path: Path) -> tuple[ParentRef, ...]:
        """The parents whose listeners share a hostname with the route: "If both the
        Listener and HTTPRoute have specified hostnames, and none match ..., then
        the HTTPRoute is not accepted" (``HTTPRouteSpec.Hostnames``)."""
        kept = []
        for ref in parents:
            listeners = [li for li in gateways[ref.gateway].listeners
                         if ref.section in (None, li.name)]
            if not hostnames or any(hostnames_intersect(li.hostname, h)
                                    for li in listeners for h in hostnames):
                kept.append(ref)
            else:
                self.warn((*path, "hostnames"), f"no hostname of the route matches a listener "
                          f"of gateway {ref.gateway} ("
                          f"{', '.join(li.hostname or '*' for li in listeners)}): the route "
                          "is not accepted there")
        return tuple(kept)

    def parent(self, value: Any, path: Path, namespace: str,
               gateways: dict[str, Gateway]) -> ParentRef | None:
        conf = self.mapping(value, path, ("group", "kind", "name", "namespace", "sectionName"))
        group = conf.get("group", "gateway.networking.k8s.io")
        kind = conf.get("kind", "Gateway")
        if (group, kind) != ("gateway.networking.k8s.io", "Gateway"):
            raise self.fail(path, f"parent {shown(f'{group}/{kind}')} is not modelled "
                            "(expected a Gateway)")
        if "name" not in conf:
            raise self.fail(path, "missing name (required)")
        name = self.object_name(conf["name"], (*path, "name"))
        ns = self.k8s_name(conf.get("namespace", namespace), (*path, "namespace"),
                           NameKind.NAMESPACE)
        section = (self.k8s_name(conf["sectionName"], (*path, "sectionName"),
                                 NameKind.SECTION_NAME) if "sectionName" in conf else None)
        key = f"{ns}/{name}"
        gateway = gateways.get(key)
        if gateway is None:
            self.warn((*path, "name"), f"no gateway {shown(key)} in the spec: this parentRef "
                      "attaches to nothing")
            return None
        if ns != namespace:
            # Listener.AllowedRoutes defaults to {namespaces: {from: Same}}, and
            # allowedRoutes is not modelled: no listener accepts the route.
            self.warn((*path, "namespace"), f"the route is in namespace {namespace} and "
                      f"gateway {key}'s listeners accept routes from their own namespace "
                      "only (allowedRoutes from: Same, the default)")
            return None
        if section is not None and all(li.name != section for li in gateway.listeners):
            self.warn((*path, "sectionName"), f"gateway {key} has no listener "
                      f"{shown(section)}: this parentRef attaches to nothing")
            return None
        return ParentRef(key, section)

    def rules(self, conf: dict[str, Any], path: Path, namespace: str
              ) -> tuple[RouteRule, ...]:
        rpath: Path = (*path, "rules")
        if "rules" not in conf:
            # HTTPRouteSpec.Rules' default: one rule matching every request (and
            # no backend: the Gateway answers 500).
            return (RouteRule((PathMatch(PathMatchType.PATH_PREFIX, "/"),), ()),)
        raw = self.bounded(conf["rules"], rpath, 16, 1)  # MinItems 1, MaxItems 16
        out = []
        total = 0
        for r, item in enumerate(raw):
            path_r: Path = (*rpath, r)
            rconf = self.mapping(item, path_r, ("name", "matches", "backendRefs"))
            if "name" in rconf:
                rname = self.k8s_name(rconf["name"], (*path_r, "name"), NameKind.SECTION_NAME)
                if any(isinstance(o, dict) and o.get("name") == rname for o in raw[:r]):
                    raise self.fail((*path_r, "name"), "Rule name must be unique within the "
                                    "route")
            if "matches" in rconf:
                # HTTPRouteRule.Matches: MaxItems 64.
                raw_matches = self.bounded(rconf["matches"], (*path_r, "matches"), 64)
                matches = tuple(self.match(m, (*path_r, "matches", k))
                                for k, m in enumerate(raw_matches))
            else:
                matches = (PathMatch(PathMatchType.PATH_PREFIX, "/"),)
            total += len(matches)
            if total > _MAX_MATCHES_PER_ROUTE:
                raise self.fail(rpath, "While 16 rules and 64 matches per rule are allowed, "
                                "the total number of matches across all rules in a route "
                                "must be less than 128")
            backends = tuple(self.backend(b, (*path_r, "backendRefs", k), namespace)
                             for k, b in enumerate(self.bounded(rconf.get("backendRefs"),
                                                                (*path_r, "backendRefs"), 16)))
            out.append(RouteRule(matches, backends))
        return tuple(out)

    def match(self, value: Any, path: Path) -> PathMatch:
        # HTTPRouteMatch's headers, queryParams and method are not modelled: the
        # field list says so ("unknown field (expected one of path)").
        conf = self.mapping({} if value is None else value, path, ("path",))
        ppath: Path = (*path, "path")
        pconf = self.optional_mapping(conf.get("path"), ppath, ("type", "value"))
        kind = self.string(pconf.get("type", "PathPrefix"), (*ppath, "type"))
        if kind == "RegularExpression":
            raise self.fail((*ppath, "type"), "RegularExpression is implementation-specific "
                            "and not modelled (expected Exact or PathPrefix)")
        if kind not in ("Exact", "PathPrefix"):
            raise self.fail((*ppath, "type"), f"unknown type {shown(kind)} (expected one of "
                            "Exact, PathPrefix, RegularExpression)")
        text = self.string(pconf.get("value", "/"), (*ppath, "value"))
        if len(text) > 1024:  # HTTPPathMatch.Value: MaxLength 1024
            raise self.fail((*ppath, "value"), f"{len(text)} characters (expected at most 1024)")
        for broken, message in _PATH_RULES:
            if broken(text):
                raise self.fail((*ppath, "value"), f"{shown(text)}: {message} when type one of "
                                "['Exact', 'PathPrefix']")
        if _PATH_CHARS.fullmatch(text) is None:
            raise self.fail((*ppath, "value"), f"{shown(text)}: must only contain valid "
                            "characters (letters, digits, -/._~!$&'()*+,;=:@ and %XX escapes)")
        return PathMatch(PathMatchType(kind), text)

    def backend(self, value: Any, path: Path, namespace: str) -> BackendRef:
        conf = self.mapping(value, path, ("group", "kind", "name", "namespace", "port",
                                          "weight"))
        group, kind = conf.get("group", ""), conf.get("kind", "Service")
        if (group, kind) != ("", "Service"):
            raise self.fail(path, f"backend {shown(f'{group}/{kind}'.lstrip('/'))} is not "
                            "modelled (expected a Service)")
        if "name" not in conf:
            raise self.fail(path, "missing name (required)")
        name = self.object_name(conf["name"], (*path, "name"))
        ns = self.k8s_name(conf.get("namespace", namespace), (*path, "namespace"),
                           NameKind.NAMESPACE)
        if ns != namespace:
            raise self.fail((*path, "namespace"), "a backend in another namespace needs a "
                            "ReferenceGrant, which is not modelled (expected the route's "
                            f"namespace {namespace})")
        if "port" not in conf:
            # BackendObjectReference's CEL rule (object_reference_types.go).
            raise self.fail(path, "Must have port for Service reference")
        port = self.integer(conf["port"], (*path, "port"), 1, 65535)
        # BackendRef.Weight: default 1, Minimum 0, Maximum 1000000.
        weight = self.integer(conf.get("weight", 1), (*path, "weight"), 0, 1_000_000)
        key = f"{ns}/{name}"
        svc = self.services.get(key)
        if svc is None:
            raise self.fail((*path, "name"), f"unknown service {shown(key)} (a backendRef "
                            "names a Service in the route's namespace)")
        if all(p.port != port for p in svc.ports):
            raise self.fail((*path, "port"), f"service {key} has no port {port} (ports: "
                            f"{', '.join(str(p.port) for p in svc.ports)})")
        return BackendRef(key, port, weight)


def load_gateways(doc: SourceDoc, raw: list[Any], services: tuple[Service, ...]
                  ) -> tuple[Gateway, ...]:
    return _GatewayLoader(doc, services).gateways(raw)


def load_http_routes(doc: SourceDoc, raw: list[Any], services: tuple[Service, ...],
                     gateways: tuple[Gateway, ...]
                     ) -> tuple[tuple[HTTPRoute, ...], list[SpecWarning]]:
    loader = _GatewayLoader(doc, services)
    return loader.routes(raw, gateways), loader.warnings
