"""What a trace says at each step and why it ended, by catalogue key.

Every key has an English and a Chinese template with the same placeholders
(tested); a :class:`netmodel.i18n.Detail` names a key and fills it when shown.
"""

from __future__ import annotations

__all__ = ["CATALOG"]

CATALOG: dict[str, dict[str, str]] = {
    "send": {
        "en": "a socket in {who} sends {flow}",
        "zh": "{who} 中的套接字发出 {flow}"},
    "route.local": {
        "en": "local table: {dst} is an address of this netns, so the packet loops back via lo",
        "zh": "local 路由表：{dst} 是本网络命名空间自己的地址，报文经 lo 回环"},
    "route.match": {
        "en": "route lookup: {route} (installed by {by})",
        "zh": "查路由表：命中 {route}（由{by}添加）"},
    "route.match.src": {
        "en": "route lookup: {route} (installed by {by}); source address {src} selected",
        "zh": "查路由表：命中 {route}（由{by}添加）；选定源地址 {src}"},
    "route.match.rejected": {
        "en": "route lookup: {route} (installed by {by}); flanneld's route {wanted} is "
              "missing because {reason}",
        "zh": "查路由表：命中 {route}（由{by}添加）；flanneld 的路由 {wanted} 不存在，"
              "原因：{reason}"},
    "route.none": {
        "en": "no route to {dst} in {who}'s routing table (the sender gets ENETUNREACH)",
        "zh": "{who} 的路由表中没有去往 {dst} 的路由（发送方收到 ENETUNREACH）"},
    "route.none.fwd": {
        "en": "no route to {dst} in {who}'s routing table; it sends ICMP unreachable back "
              "to {src} (the sender's connect fails with EHOSTUNREACH)",
        "zh": "{who} 的路由表中没有去往 {dst} 的路由；它向 {src} 回送 ICMP 不可达"
              "（发送方的 connect 以 EHOSTUNREACH 失败）"},
    "route.none.silent": {
        "en": "no route to {dst} in {who}'s routing table, and none back to {src} either: "
              "its ICMP unreachable is lost too, so the sender hears nothing and times out",
        "zh": "{who} 的路由表中既没有去往 {dst} 的路由，也没有回到 {src} 的路由："
              "它发出的 ICMP 不可达同样无法送达，发送方收不到任何回应，只能超时"},
    "route.none.refused": {
        "en": "{base}; on {node}, {reason}",
        "zh": "{base}；在 {node} 上，{reason}"},
    # fib_check_nh() finds no link-scope route to the gateway: rtnetlink answers
    # RTM_NEWROUTE with "Nexthop has invalid gateway" (ENETUNREACH).
    "hostgw.refused": {
        "en": "the kernel refused it (RTM_NEWROUTE: Nexthop has invalid gateway, "
              "ENETUNREACH): {gateway} is on segment {segment}, which eth0 does not reach "
              "without a router",
        "zh": "内核拒绝了该路由（RTM_NEWROUTE：Nexthop has invalid gateway，ENETUNREACH）："
              "{gateway} 位于网段 {segment}，eth0 不经路由器无法直达"},
    "route.nosrc": {
        "en": "no address to use as source on {dev}",
        "zh": "{dev} 上没有可用作源地址的 IP"},
    "neigh.permanent": {
        "en": "neighbour table: {ip} is at {mac} (PERMANENT, programmed by {by})",
        "zh": "邻居表：{ip} 对应 {mac}（PERMANENT，由{by}写入）"},
    "neigh.arp": {
        "en": "ARP: who has {ip}? {owner} answers {mac}",
        "zh": "ARP：谁是 {ip}？{owner} 应答 {mac}"},
    "neigh.failed": {
        "en": "ARP for {ip} on {dev} gets no answer: nothing on that L2 segment holds the "
              "address (neighbour FAILED, EHOSTUNREACH)",
        "zh": "在 {dev} 上 ARP 请求 {ip} 无应答：该二层网段上没有持有此地址的设备"
              "（邻居状态 FAILED，EHOSTUNREACH）"},
    "neigh.vxlan": {
        "en": "no neighbour entry for {ip} on {dev}, and a VXLAN device with learning off "
              "cannot ARP across the underlay: flanneld has programmed no lease for it",
        "zh": "{dev} 上没有 {ip} 的邻居表项；关闭 learning 的 VXLAN 设备无法跨底层网络 ARP："
              "flanneld 没有为它写入租约"},
    "xmit": {
        "en": "transmit on {dev}",
        "zh": "从 {dev} 发出"},
    "recv": {
        "en": "received on {dev}",
        "zh": "在 {dev} 上收到"},
    "recv.otherhost": {
        "en": "destination MAC {mac} is not {dev}'s: dropped as PACKET_OTHERHOST",
        "zh": "目的 MAC {mac} 不属于 {dev}：作为 PACKET_OTHERHOST 丢弃"},
    "wire.nostation": {
        "en": "no station owns {mac} on {domain}",
        "zh": "{domain} 上没有 MAC 为 {mac} 的设备"},
    "bridge.fdb": {
        "en": "{bridge} forwarding database: {mac} is behind port {port}",
        "zh": "{bridge} 转发表（FDB）：{mac} 位于端口 {port}"},
    "bridge.local": {
        "en": "destination MAC is {bridge}'s own: the frame goes up to the host's IP stack",
        "zh": "目的 MAC 是 {bridge} 自己的：帧上送到宿主机的 IP 协议栈"},
    "bridge.dnat": {
        "en": "the new destination {dst} is on {bridge} itself: br_netfilter bridges the "
              "frame to it instead of routing it (source MAC kept, TTL not decremented)",
        "zh": "新的目的地址 {dst} 就在 {bridge} 上：br_netfilter 直接在网桥内转发这个帧，"
              "不经路由（源 MAC 不变，TTL 不减）"},
    "bridge.unknown": {
        "en": "{bridge} has no FDB entry for {mac}: flooded, and no port answers",
        "zh": "{bridge} 的转发表里没有 {mac}：泛洪后没有端口应答"},
    "veth.unknownpeer": {
        "en": "{dev}'s far end is in a netns no pod of the spec owns: the walk is not followed "
              "further",
        "zh": "{dev} 的对端所在的网络命名空间不属于集群描述文件中的任何 Pod：不再继续追踪"},
    "veth.nopeer": {
        "en": "{dev}'s peer {peer} is not in {who}: the veth pair is gone, and the frame with it",
        "zh": "{dev} 的对端 {peer} 不在 {who} 中：veth 对已不存在，帧随之丢失"},
    "bridge.nohairpin": {
        "en": "the frame would leave by the port it came in on ({port}) and hairpin mode is off",
        "zh": "帧要从进入的端口（{port}）原路发回，但该端口未开启 hairpin 模式"},
    "fwd": {
        "en": "IP forwarding: TTL {before} → {after}",
        "zh": "IP 转发：TTL {before} → {after}"},
    "fwd.disabled": {
        "en": "not for this netns and {who} does not forward (net.ipv4.ip_forward = 0)",
        "zh": "报文不是发给本网络命名空间的，而 {who} 不做转发（net.ipv4.ip_forward = 0）"},
    "fwd.ttl": {
        "en": "TTL expired in {who} (ICMP time exceeded to the sender)",
        "zh": "TTL 在 {who} 中耗尽（向发送方回 ICMP 超时）"},
    "loop": {
        "en": "the same packet enters {dev} in {who} a second time: a routing loop, "
              "it would circulate until its TTL runs out",
        "zh": "同一个报文第二次进入 {who} 的 {dev}：出现路由环路，报文将一直循环到 TTL 耗尽"},
    "loop.steps": {
        "en": "more than {limit} steps: treated as a loop",
        "zh": "超过 {limit} 步：按环路处理"},
    "deliver.container": {
        "en": "delivered to container {container} of pod {pod}, which declares {port}",
        "zh": "交付给 Pod {pod} 的容器 {container}（该容器声明了端口 {port}）"},
    "deliver.undeclared": {
        "en": "delivered to pod {pod}'s netns; no container declares {port} (containerPort "
              "is informational: a process may still listen, else TCP answers RST)",
        "zh": "交付到 Pod {pod} 的网络命名空间；没有容器声明端口 {port}"
              "（containerPort 只是声明：仍可能有进程在监听，否则 TCP 回 RST）"},
    "deliver.hostnetwork": {
        "en": "delivered in {who} to hostNetwork pod {pod}, which declares {port}",
        "zh": "在 {who} 中交付给 hostNetwork Pod {pod}（声明了端口 {port}）"},
    "deliver.apiserver": {
        "en": "delivered in {who} to kube-apiserver, which listens on {port} (a static "
              "pod with hostNetwork on this control-plane node)",
        "zh": "在 {who} 中交付给监听 {port} 的 kube-apiserver（控制平面节点上的静态 Pod，"
              "使用 hostNetwork）"},
    "deliver.host": {
        "en": "delivered to a socket of {who} ({port})",
        "zh": "交付给 {who} 上的套接字（{port}）"},
    "deliver.reply": {
        "en": "delivered back to the socket in {who} that sent the request",
        "zh": "回到 {who} 中发出请求的那个套接字"},
    "deliver.healthcheck.ok": {
        # service_health.go answers 503 also while kube-proxy itself is unhealthy
        # (KEP-3836); the model's kube-proxy is always in sync.
        "en": "kube-proxy's health check server for {svc} answers HTTP 200: {count} local "
              "endpoints on {who} and kube-proxy healthy (its rules in sync), so the load "
              "balancer keeps sending traffic here",
        "zh": "kube-proxy 为 {svc} 运行的健康检查服务器返回 HTTP 200："
              "{who} 上有 {count} 个本地端点，kube-proxy 自身也健康（规则已同步），"
              "负载均衡器会继续把流量发到这里"},
    "deliver.healthcheck.fail": {
        "en": "kube-proxy's health check server for {svc} answers HTTP 503: no local endpoint "
              "on {who}, so the load balancer stops sending traffic here",
        "zh": "kube-proxy 为 {svc} 运行的健康检查服务器返回 HTTP 503：{who} 上没有本地端点，"
              "负载均衡器不再把流量发到这里"},
    "deliver.icmp": {
        "en": "delivered: the kernel of {who} answers the echo request itself",
        "zh": "已送达：{who} 的内核自己应答 echo 请求"},
    "vxlan.fdb": {
        "en": "VXLAN FDB: inner destination {mac} is the VTEP at {dst} (programmed by {by})",
        "zh": "VXLAN 转发表：内层目的 MAC {mac} 对应位于 {dst} 的 VTEP（由{by}写入）"},
    "vxlan.nofdb": {
        "en": "no FDB entry for {mac} on {dev} (learning off, no default destination): dropped",
        "zh": "{dev} 上没有 {mac} 的 FDB 表项（learning 关闭，也没有默认目的地址）：丢弃"},
    "vxlan.encap": {
        "en": "encapsulate: outer IP {src} → {dst}, UDP port {port}, VNI {vni}",
        "zh": "封装：外层 IP {src} → {dst}，UDP 端口 {port}，VNI {vni}"},
    "vxlan.decap": {
        "en": "the kernel's VXLAN socket on UDP {port} strips the outer headers (VNI {vni}); "
              "the inner frame appears on {dev}",
        "zh": "内核监听 UDP {port} 的 VXLAN 套接字剥掉外层头（VNI {vni}），内层帧出现在 {dev} 上"},
    "vxlan.nosocket": {
        "en": "nothing listens on UDP {port} for VNI {vni} (ICMP port unreachable)",
        "zh": "没有为 VNI {vni} 监听 UDP {port} 的套接字（ICMP 端口不可达）"},
    "tun.xmit": {
        "en": "into TUN device {dev}: the kernel hands the IP packet to the process that "
              "holds it open, flanneld",
        "zh": "进入 TUN 设备 {dev}：内核把 IP 报文交给打开它的进程 flanneld"},
    "tun.encap": {
        "en": "flanneld's proxy: {subnet} is leased by {node}, so it decrements the inner TTL "
              "({before} → {after}) and sends the packet in UDP to {dst}:{port}",
        "zh": "flanneld 代理：{subnet} 由 {node} 租用，于是把内层 TTL 减一（{before} → {after}），"
              "再用 UDP 发往 {dst}:{port}"},
    "tun.decap": {
        "en": "flanneld receives on UDP {port}, decrements the inner TTL ({before} → {after}) "
              "and writes the packet into {dev}",
        "zh": "flanneld 在 UDP {port} 上收到，把内层 TTL 减一（{before} → {after}）后写入 {dev}"},
    "tun.nolease": {
        "en": "flanneld's proxy has no lease holding {dst}: it answers ICMP net unreachable",
        "zh": "flanneld 代理找不到包含 {dst} 的租约：回 ICMP 网络不可达"},
    "tun.ttl": {
        "en": "flanneld's proxy discards the packet: its TTL reached zero",
        "zh": "flanneld 代理丢弃报文：TTL 已减到零"},
    "nf.dnat.hostport": {
        "en": "{table} {hook}: {tested} rules tested; DNAT to {to} by the portmap plugin's "
              "hostPort rule in {chain}",
        "zh": "{table} 表 {hook} 链：检查了 {tested} 条规则；portmap 插件在 {chain} 中的 "
              "hostPort 规则把它 DNAT 到 {to}"},
    "nf.dnat": {
        "en": "{table} {hook}: {tested} rules tested; DNAT to {to} (this endpoint is picked "
              "with probability {odds})",
        "zh": "{table} 表 {hook} 链：检查了 {tested} 条规则；DNAT 到 {to}"
              "（选中该端点的概率为 {odds}）"},
    "nf.pass": {
        "en": "{table} {hook}: {tested} rules tested, {matched} matched; no address rewritten",
        "zh": "{table} 表 {hook} 链：检查了 {tested} 条规则，命中 {matched} 条；地址未改写"},
    "nf.accept": {
        "en": "filter {hook}: {tested} rules tested; accepted (conntrack state {state})",
        "zh": "filter 表 {hook} 链：检查了 {tested} 条规则；放行（conntrack 状态 {state}）"},
    "nf.reject": {
        "en": "filter {hook}: rejected by {chain} rule {position} after {tested} rules: "
              "{rule} (the client gets ICMP port unreachable, i.e. connection refused)",
        "zh": "filter 表 {hook} 链：检查 {tested} 条规则后被 {chain} 第 {position} 条规则拒绝："
              "{rule}（客户端收到 ICMP 端口不可达，即连接被拒绝）"},
    "nf.drop": {
        "en": "filter {hook}: dropped by {chain} rule {position} after {tested} rules: {rule} "
              "(silently: the client times out)",
        "zh": "filter 表 {hook} 链：检查 {tested} 条规则后被 {chain} 第 {position} 条规则丢弃："
              "{rule}（静默丢弃：客户端等到超时）"},
    "nf.masq": {
        "en": "nat POSTROUTING: {tested} rules tested; {chain} MASQUERADE: source becomes {src}, "
              "the address of {dev} (source port kept here; --random-fully may change it)",
        "zh": "nat 表 POSTROUTING 链：检查了 {tested} 条规则；{chain} 做地址伪装（MASQUERADE）："
              "源地址改为 {dev} 的地址 {src}（这里保留源端口；--random-fully 可能改变它）"},
    "ct.new": {
        "en": "conntrack entry: {entry}",
        "zh": "conntrack 表项：{entry}"},
    "ct.reply": {
        "en": "conntrack: a reply of [{entry}]; destination restored to {dst} (un-SNAT), no rule "
              "walked",
        "zh": "conntrack：这是 [{entry}] 的回包；目的地址恢复为 {dst}（撤销 SNAT），不再查规则"},
    "ct.reply.plain": {
        "en": "conntrack: a reply of [{entry}]; no rule walked",
        "zh": "conntrack：这是 [{entry}] 的回包；不再查规则"},
    "ct.undnat": {
        "en": "conntrack: source restored to {src}:{port} (un-DNAT): the client sees the "
              "address it connected to",
        "zh": "conntrack：源地址恢复为 {src}:{port}（撤销 DNAT）：客户端看到的仍是它连接的地址"},
    "route.reroute": {
        "en": "routing again after DNAT: {dst} is now the destination",
        "zh": "DNAT 之后重新查路由：目的地址已变为 {dst}"},
    "vip.nomatch": {
        "en": "{base}. {vip} is the virtual IP of service {svc}: kube-proxy only DNATs "
              "{ports}, no rule matched this packet, so it was routed like any other address "
              "and nothing answers",
        "zh": "{base}。{vip} 是 Service {svc} 的虚拟 IP：kube-proxy 只对 {ports} 做 DNAT，"
              "没有规则匹配这个报文，于是它像普通地址一样被路由出去，没有任何东西应答"},
    # ingress-nginx's default: its own balancer over the Service's endpoints
    # (annotations.md "Service Upstream"); the second connection is pod to pod.
    "ingress.proxy": {
        "en": "{base}; the Ingress controller in pod {pod} matches host {host} path {path} "
              "against rule {rule} and connects to an endpoint of service {svc} (port "
              "{port}) itself: ingress-nginx balances over the endpoint addresses, so the "
              "new connection goes to a pod address and kube-proxy's DNAT does not apply",
        "zh": "{base}；Pod {pod} 中的 Ingress 控制器用规则 {rule} 匹配主机 {host}、路径 {path}，"
              "然后自己连接 Service {svc}（端口 {port}）的一个端点：ingress-nginx 在端点地址之间"
              "做负载均衡，新连接直接发往 Pod 地址，用不上 kube-proxy 的 DNAT"},
    "ingress.proxy.upstream": {
        "en": "{base}; the Ingress controller in pod {pod} matches host {host} path {path} "
              "against rule {rule} and, with service-upstream, opens a new connection to "
              "the ClusterIP of service {svc} port {port}: kube-proxy picks the endpoint",
        "zh": "{base}；Pod {pod} 中的 Ingress 控制器用规则 {rule} 匹配主机 {host}、路径 {path}，"
              "因为设置了 service-upstream，向 Service {svc} 的 ClusterIP 端口 {port} 新建一条"
              "连接：由 kube-proxy 选端点"},
    "ingress.no_endpoints": {
        "en": "{base}; the Ingress controller in pod {pod} matches rule {rule} for host "
              "{host} path {path}, but service {svc} has no endpoints: it answers HTTP 503 "
              "itself and opens no second connection",
        "zh": "{base}；Pod {pod} 中的 Ingress 控制器为主机 {host}、路径 {path} 匹配到规则 "
              "{rule}，但 Service {svc} 没有端点：控制器自己返回 HTTP 503，不建第二条连接"},
    # Envoy Gateway's default routingType Endpoint (api/v1alpha1/envoyproxy_types.go).
    "gateway.proxy": {
        "en": "{base}; the proxy (GatewayClass {cls}) in pod {pod} takes the request on "
              "listener {listener} of gateway {gateway}, matches host {host} path {path} against "
              "rule {rule} ({match}) of HTTPRoute {route}, and connects to an endpoint of "
              "its backendRefs ({backends}; weights {weights}) directly: a pod address, so "
              "kube-proxy's DNAT does not apply",
        "zh": "{base}；Pod {pod} 中的代理（GatewayClass {cls}）在 Gateway {gateway} 的监听器 "
              "{listener} 上接收请求，用 HTTPRoute {route} 的第 {rule} 条规则（{match}）"
              "匹配主机 {host}、路径 {path}，然后按权重（{weights}）从 backendRefs（{backends}）里"
              "选一个端点直接连接：目的地址是 Pod 地址，用不上 kube-proxy 的 DNAT"},
    "gateway.no_backend": {
        "en": "{base}; rule {rule} of HTTPRoute {route} matches host {host} path {path} but "
              "has no backendRef with a weight: the Gateway answers HTTP 500 and opens no "
              "second connection",
        "zh": "{base}；HTTPRoute {route} 的第 {rule} 条规则匹配主机 {host}、路径 {path}，"
              "但没有权重非零的 backendRef：Gateway 返回 HTTP 500，不建第二条连接"},
    "gateway.no_endpoints": {
        "en": "{base}; rule {rule} of HTTPRoute {route} matches host {host} path {path}, but "
              "its backends ({backends}) have no endpoints: the Gateway answers HTTP 503 and "
              "opens no second connection",
        "zh": "{base}；HTTPRoute {route} 的第 {rule} 条规则匹配主机 {host}、路径 {path}，"
              "但它的后端（{backends}）没有端点：Gateway 返回 HTTP 503，不建第二条连接"},
    "exits": {
        "en": "leaves the cluster through the router's uplink towards {dst}",
        "zh": "经路由器的上行链路离开集群，去往 {dst}"},
    "udp.nosocket": {
        "en": "nothing listens on UDP {port} (ICMP port unreachable)",
        "zh": "没有进程监听 UDP {port}（ICMP 端口不可达）"},
}
