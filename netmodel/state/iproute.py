"""Print a netns's state exactly as iproute2 prints it.

The formats were taken from iproute2 6.1 on a 6.x kernel, with the same devices
built in real network namespaces (IPv6 disabled, as the model is IPv4-only),
down to the trailing space ``ip route`` and ``ip neigh`` leave on each line.
``tests/test_kernel_oracle.py`` rebuilds the model's state in namespaces and
compares. The node is a 2-vCPU systemd host: veths have one queue per CPU, and
NICs and TUN devices get ``fq_codel`` (net.core.default_qdisc).
Kernel timers and counters that change by the second (bridge ``gc_timer``,
``forward_delay_timer``) are printed at rest, as 0.00.
"""

from __future__ import annotations

from collections.abc import Callable

from netmodel.state.kernel import Address, FdbEntry, Link, LinkKind, Netns, Route

__all__ = ["TABLES", "format_addrs", "format_fdb", "format_links", "format_neigh",
           "format_routes", "render_table"]

_GSO = "gso_max_size 65536 gso_max_segs 65535"
_TAIL = f"addrgenmode eui64 numtxqueues 1 numrxqueues 1 {_GSO} tso_max_size 524280 " \
        "tso_max_segs 65535 gro_max_size 65536 "
_VETH_TAIL = f"addrgenmode eui64 numtxqueues 2 numrxqueues 2 {_GSO} tso_max_size 524280 " \
             "tso_max_segs 65535 gro_max_size 65536 "
_NIC_TAIL = f"addrgenmode eui64 numtxqueues 1 numrxqueues 1 {_GSO} tso_max_size 65536 " \
            "tso_max_segs 65535 gro_max_size 65536 "


def _flags(link: Link) -> str:
    if link.kind is LinkKind.LOOPBACK:
        return "LOOPBACK,UP,LOWER_UP"
    if link.kind is LinkKind.TUN:
        return "POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP"
    return "BROADCAST,MULTICAST,UP,LOWER_UP"


def _qdisc_state(link: Link) -> tuple[str, str, str]:
    """(qdisc, operstate, qlen) as ip link shows them."""
    if link.kind is LinkKind.ETHERNET:
        # a physical NIC on a systemd host: net.core.default_qdisc = fq_codel
        return "fq_codel", "UP", " qlen 1000"
    if link.kind is LinkKind.TUN:
        return "fq_codel", "UNKNOWN", " qlen 500"
    state = "UNKNOWN" if link.kind in (LinkKind.LOOPBACK, LinkKind.VXLAN) else "UP"
    return "noqueue", state, " qlen 1000"


def _name(link: Link) -> str:
    if link.kind is LinkKind.VETH and link.peer_index is not None:
        return f"{link.name}@if{link.peer_index}"
    return link.name


def _head(link: Link, mode: str) -> str:
    qdisc, state, qlen = _qdisc_state(link)
    master = f" master {link.master}" if link.master else ""
    return (f"{link.index}: {_name(link)}: <{_flags(link)}> mtu {link.mtu} qdisc {qdisc}"
            f"{master} state {state}{mode} group default{qlen}")


def _lladdr(link: Link) -> str:
    if link.kind is LinkKind.LOOPBACK:
        return "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
    if link.kind is LinkKind.TUN:
        return "    link/none "
    out = f"    link/ether {link.mac} brd ff:ff:ff:ff:ff:ff"
    if link.kind is LinkKind.VETH:
        out += f" link-netns {link.link_netns}" if link.link_netns else " link-netnsid 0"
    return out


def _short_mac(mac: str | None) -> str:
    """The bridge id format: each octet without leading zeros (``a:58:a:f4:0:1``)."""
    assert mac is not None
    return ":".join(f"{int(octet, 16):x}" for octet in mac.split(":"))


def _details(link: Link) -> list[str]:
    promisc = "promiscuity 1  allmulti 1" if link.master else "promiscuity 0  allmulti 0"
    if link.kind is LinkKind.LOOPBACK:
        return [_lladdr(link) + f" {promisc} minmtu 0 maxmtu 0 {_TAIL}"]
    first = _lladdr(link) + f" {promisc} minmtu 68 maxmtu 65535 "
    if link.kind is LinkKind.ETHERNET:
        return [first + _NIC_TAIL]
    if link.kind is LinkKind.TUN:
        return [first, "    tun type tun pi off vnet_hdr off persist off " + _NIC_TAIL]
    if link.kind is LinkKind.VXLAN:
        assert link.vxlan is not None
        vx = link.vxlan
        learning = "learning" if vx.learning else "nolearning"
        return [first, f"    vxlan id {vx.vni} local {vx.local} dev {vx.dev} srcport 0 0 "
                f"dstport {vx.port} {learning} ttl auto ageing 300 udpcsum "
                f"noudp6zerocsumtx noudp6zerocsumrx {_TAIL}"]
    if link.kind is LinkKind.BRIDGE:
        bridge_id = f"8000.{_short_mac(link.mac)}"
        return [first, "    bridge forward_delay 1500 hello_time 200 max_age 2000 "
                "ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 "
                f"bridge_id {bridge_id} designated_root {bridge_id} root_port 0 "
                "root_path_cost 0 topology_change 0 topology_change_detected 0 "
                "hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 "
                "gc_timer    0.00 group_fwd_mask 0 group_address 01:80:c2:00:00:00 "
                "mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 "
                "mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 "
                "mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 "
                "mcast_last_member_interval 100 mcast_membership_interval 26000 "
                "mcast_querier_interval 25500 mcast_query_interval 12500 "
                "mcast_query_response_interval 1000 mcast_startup_query_interval 3124 "
                "mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 "
                "nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 " + _TAIL]
    # veth
    if link.master is None:
        return [first, "    veth " + _VETH_TAIL]
    assert link.port_no is not None
    port_id = 0x8000 + link.port_no
    hairpin = "on" if link.hairpin else "off"
    return [first, "    veth ", (
        f"    bridge_slave state forwarding priority 32 cost 2 hairpin {hairpin} guard off "
        "root_block off fastleave off learning on flood on "
        f"port_id {port_id:#x} port_no {link.port_no:#x} designated_port {port_id} "
        "designated_cost 0 designated_bridge {bid} designated_root {bid} "
        "hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 "
        "topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off "
        "mcast_router 1 mcast_fast_leave off mcast_flood on bcast_flood on "
        "mcast_to_unicast off neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 "
        "vlan_tunnel off isolated off locked off " + _VETH_TAIL)]


def format_links(ns: Netns) -> str:
    """``ip -d link``"""
    bridges = {link.name: link for link in ns.links if link.kind is LinkKind.BRIDGE}
    lines: list[str] = []
    for link in ns.links:
        lines.append(_head(link, " mode DEFAULT"))
        details = _details(link)
        if link.master in bridges:
            bid = f"8000.{_short_mac(bridges[link.master].mac)}"
            details = [d.replace("{bid}", bid) for d in details]
        lines.extend(details)
    return "\n".join(lines) + "\n"


def _inet(address: Address) -> list[str]:
    iface = address.interface
    brd = f" brd {iface.network.broadcast_address}" if address.has_broadcast else ""
    return [f"    inet {iface}{brd} scope {address.scope} {address.dev}",
            "       valid_lft forever preferred_lft forever"]


def format_addrs(ns: Netns) -> str:
    """``ip addr``"""
    lines: list[str] = []
    for link in ns.links:
        lines.append(_head(link, ""))
        lines.append(_lladdr(link))
        for address in ns.addresses:
            if address.dev == link.name:
                lines.extend(_inet(address))
    return "\n".join(lines) + "\n"


def format_route(route: Route) -> str:
    return f"{route} "


def format_routes(ns: Netns) -> str:
    """``ip route`` (the main table)"""
    return "".join(format_route(r) + "\n" for r in ns.routes)


def format_neigh(ns: Netns) -> str:
    """``ip neigh`` (the permanent entries; dynamic ones come and go with traffic)"""
    return "".join(f"{n} \n" for n in ns.neighbors)


def format_fdb_entry(entry: FdbEntry) -> str:
    # iproute2 ends a dynamic entry with a space where "permanent" would be.
    text = str(entry)
    return text if entry.permanent else text + " "


def format_fdb(ns: Netns) -> str:
    """``bridge fdb``"""
    return "".join(format_fdb_entry(e) + "\n" for e in ns.fdb)


TABLES: dict[str, Callable[[Netns], str]] = {
    "links": format_links,
    "addrs": format_addrs,
    "routes": format_routes,
    "neigh": format_neigh,
    "fdb": format_fdb,
}


def render_table(ns: Netns, table: str) -> str:
    try:
        return TABLES[table](ns)
    except KeyError:
        raise ValueError(f"unknown table {table!r} (expected one of "
                         f"{', '.join(sorted(TABLES))})") from None


