"""The lab's names: predictable, documented, and within the kernel's limits.

For a cluster named ``demo`` the lab's network namespaces are

* ``nm-demo-n1``, ``nm-demo-n2``, … — the nodes, in spec order;
* ``nm-demo-p1``, ``nm-demo-p2``, … — the pods with a netns of their own, in
  spec order (a hostNetwork pod lives in its node's);
* ``nm-demo-rt`` — the underlay router;
* ``nm-demo-x1``, … — external clients, in the order the flows name them;
* ``nm-demo-ul`` — the wires: one bridge per underlay segment (``seg0``, …)
  and one for the router's uplink (``wan``), whose ports are the other ends of
  every node's, the router's and the clients' ``eth*`` (``n1``, ``r0``, ``rw``,
  ``x1``, …).

Inside a node or pod netns the interfaces carry the model's names (``eth0``,
``cni0``, ``flannel.1``, ``veth3f9a2b1c``), all within the 15 bytes that
IFNAMSIZ (16 with the NUL, ``include/uapi/linux/if.h``) allows; the ports'
names are a letter and a number.

``demo`` stands for :func:`lab_prefix`'s tag: the cluster's name when it is
short and plain, else a shortened form and a hash of the full name
(``Staging.Cluster.East.Two`` -> ``nm-staging-clust-<6 hex>``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from ipaddress import IPv4Address

from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.node_state import UPLINK

__all__ = ["LabNames", "lab_prefix"]

UNDERLAY = "ul"
UPLINK_BRIDGE = "wan"


_TAG = 20  # the longest cluster name used as it is: prefixes stay within 23 bytes
_HASHED = re.compile(r".*-[0-9a-f]{6}")


def lab_prefix(cluster_name: str) -> str:
    """``nm-`` and the cluster's name: as it is when it is short and already
    ``[a-z0-9-]``, otherwise reduced and shortened, then ``-`` and 6 hex digits of
    the full name's SHA-256.

    Different clusters must get different prefixes: ``--destroy`` removes every
    netns named like its lab, so ``staging-cluster-east-one`` and
    ``Staging.Cluster.East.Two``, both once ``nm-staging-cluster-east``, removed
    each other's kept labs. A name used as it is never ends like a hashed one
    (a name that does is hashed too), so the two forms cannot meet. Netns names
    are files under /run/netns, not interfaces: IFNAMSIZ does not bound them
    (the interfaces inside are the model's and the ports', see above); 23 bytes
    only keeps them readable in ``ip netns list``."""
    tag = re.sub(r"[^a-z0-9-]+", "-", cluster_name.lower()).strip("-")
    if tag and tag == cluster_name and len(tag) <= _TAG and not _HASHED.fullmatch(tag):
        return f"nm-{tag}"
    digest = hashlib.sha256(cluster_name.encode()).hexdigest()[:6]
    return f"nm-{tag[:_TAG - 7].rstrip('-') or 'lab'}-{digest}"


@dataclass(frozen=True, slots=True)
class LabNames:
    prefix: str
    netns: dict[NetnsId, str]  # model netns -> lab netns name
    ports: dict[tuple[NetnsId, str], str]  # model netns and dev -> its wire's underlay port
    underlay: str

    @classmethod
    def of(cls, model: Model, externals: tuple[IPv4Address, ...] = (),
           prefix: str | None = None) -> LabNames:
        cluster = model.cluster
        prefix = prefix or lab_prefix(cluster.name)
        netns: dict[NetnsId, str] = {}
        ports: dict[tuple[NetnsId, str], str] = {}
        for i, node in enumerate(cluster.nodes, start=1):
            netns[NetnsId.node(node.name)] = f"{prefix}-n{i}"
            ports[NetnsId.node(node.name), "eth0"] = f"n{i}"
        for i, pod in enumerate((p for p in cluster.pods if not p.host_network), start=1):
            netns[NetnsId.pod(pod.key)] = f"{prefix}-p{i}"
        router = NetnsId.router()
        netns[router] = f"{prefix}-rt"
        for i, _ in enumerate(cluster.underlay.segments):
            ports[router, f"eth{i}"] = f"r{i}"
        ports[router, UPLINK] = "rw"
        for i, address in enumerate(externals, start=1):
            netns[NetnsId.external(address)] = f"{prefix}-x{i}"
            ports[NetnsId.external(address), "eth0"] = f"x{i}"
        return cls(prefix, netns, ports, f"{prefix}-{UNDERLAY}")

    @property
    def all(self) -> tuple[str, ...]:
        """Every lab netns, the underlay first."""
        return (self.underlay, *self.netns.values())

    def owns(self, name: str) -> bool:
        """Whether ``name`` is one of this lab's netns (also from an earlier run)."""
        return name == self.underlay or bool(re.fullmatch(
            re.escape(self.prefix) + r"-(n|p|x)\d+|" + re.escape(self.prefix) + "-rt", name))
