"""``ip -j -d link`` → :class:`~netmodel.state.kernel.Link` values.

The fields are iproute2's JSON names (ip/iplink.c, ip/iplink_vxlan.c,
ip/iplink_bridge_slave.c in iproute2 6.1): ``ifindex``, ``ifname``, ``mtu``,
``address``, ``master``, ``link_index`` (a veth's peer ifindex), ``link_netns``,
``linkinfo.info_kind`` and its ``info_data``/``info_slave_data``.
"""

from __future__ import annotations

from netmodel.capture.entries import Entry, json_entries
from netmodel.capture.origins import device_origin
from netmodel.state.kernel import Link, LinkKind, VxlanInfo

__all__ = ["parse_links"]

_KINDS = {"veth": LinkKind.VETH, "bridge": LinkKind.BRIDGE, "vxlan": LinkKind.VXLAN,
          "tun": LinkKind.TUN}


def parse_links(text: str, file: str) -> tuple[Link, ...]:
    return tuple(_link(entry) for entry in json_entries(text, file))


def _kind(entry: Entry, info: Entry) -> LinkKind:
    if entry.get("link_type", str) == "loopback":
        return LinkKind.LOOPBACK
    kind = info.get("info_kind", str)
    if kind is None:
        return LinkKind.ETHERNET  # a NIC has no rtnl_link_ops kind
    # Anything else (a bond, a vlan, a dummy…) the model has no kind for; it is
    # read as a NIC so the diff can still list it as not in the model.
    return _KINDS.get(kind, LinkKind.ETHERNET)


def _link(entry: Entry) -> Link:
    name = entry.text("ifname")
    info = entry.sub("linkinfo")
    kind = _kind(entry, info)
    master = entry.get("master", str)
    slave = info.sub("info_slave_data")
    port_no = None
    if (number := slave.get("no", str)) is not None:
        try:
            port_no = int(number, 16)
        except ValueError:
            raise slave.error("no", "expected a hex port number such as 0x1") from None
    vxlan = None
    if kind is LinkKind.VXLAN:
        data = info.sub("info_data")
        vxlan = VxlanInfo(vni=data.number("id"), local=data.address("local"),
                          dev=data.text("link"), port=data.number("port"),
                          learning=bool(data.get("learning", bool, False)))
    peer_index = entry.get("link_index", int) if kind is LinkKind.VETH else None
    return Link(
        index=entry.number("ifindex"), name=name, kind=kind,
        mac=entry.mac("address") if "address" in entry.data and kind is not LinkKind.TUN
        else None, mtu=entry.number("mtu"),
        origin=device_origin(name, master), master=master, port_no=port_no,
        hairpin=bool(slave.get("hairpin", bool, False)), peer_index=peer_index,
        link_netns=entry.get("link_netns", str) if kind is LinkKind.VETH else None,
        vxlan=vxlan)
