"""What ``netmodel import`` says about kubectl output it reads, in English and Chinese.

Each line is one warning: one kind of object or field that netmodel does not
model (or that kube-proxy itself leaves out), with how many times it was met,
so nothing is dropped without a word. Chinese follows kubernetes.io/zh-cn:
Pod, Service, EndpointSlice, ConfigMap 保留英文; 节点, 端点, 集群描述文件.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IMPORT_TERMS", "IMPORT_WORDS", "import_word"]

# What a warning's {what} names, in each language (an argument found here is
# translated; others, such as a Kubernetes kind or field, are API names kept as is).
IMPORT_TERMS: dict[str, dict[str, str]] = {
    "EndpointSlice": {"en": "EndpointSlice(s)", "zh": "EndpointSlice"},
    "LoadBalancer address": {"en": "LoadBalancer address(es)", "zh": "LoadBalancer 地址"},
    "Service clusterIP": {"en": "Service clusterIP(s)", "zh": "Service clusterIP"},
    "Service externalIP": {"en": "Service externalIP(s)", "zh": "Service externalIP"},
    "endpoint address": {"en": "endpoint address(es)", "zh": "端点地址"},
    "flannel public-ip": {"en": "flannel public-ip annotation(s)", "zh": "flannel public-ip 注解"},
    "flannel public-ipv6": {"en": "flannel public-ipv6 annotation(s)",
                            "zh": "flannel public-ipv6 注解"},
    "node InternalIP": {"en": "node InternalIP(s)", "zh": "节点 InternalIP"},
    "node podCIDR": {"en": "node podCIDR(s)", "zh": "节点 podCIDR"},
    "pod address": {"en": "pod address(es)", "zh": "Pod 地址"},
}

IMPORT_WORDS: dict[str, dict[str, str]] = {
    "warning": {"en": "warning: ", "zh": "警告："},
    "wrote": {"en": "wrote {file}: {nodes} nodes, {pods} pods, {services} Services, "
                    "{ingresses} Ingresses",
              "zh": "已写入 {file}：{nodes} 个节点，{pods} 个 Pod，{services} 个 Service，"
                    "{ingresses} 个 Ingress"},
    # -- objects left out -------------------------------------------------------
    "kind.unmodelled": {
        "en": "{count} {kind} object(s): netmodel does not model {kind}; left out",
        "zh": "{count} 个 {kind} 对象：netmodel 不建模 {kind}，已略过"},
    "configmap.other": {
        "en": "{count} ConfigMap(s) other than kube-flannel-cfg: left out",
        "zh": "{count} 个 kube-flannel-cfg 以外的 ConfigMap：已略过"},
    "flannel.cfg.missing": {
        "en": "no kube-flannel-cfg ConfigMap in the input: the backend is taken from the "
              "nodes' flannel annotations, the Network {network} from the nodes' podCIDRs "
              "(add `kubectl -n kube-flannel get configmap kube-flannel-cfg -o json`)",
        "zh": "输入中没有 kube-flannel-cfg ConfigMap：后端取自节点的 flannel 注解，"
              "Network {network} 由节点的 podCIDR 推得（请加上 "
              "`kubectl -n kube-flannel get configmap kube-flannel-cfg -o json`）"},
    "flannel.option": {
        "en": "net-conf.json {option} {value}: not modelled (netmodel uses {default}); "
              "the spec leaves it out",
        "zh": "net-conf.json 的 {option} {value}：未建模（netmodel 使用 {default}），"
              "集群描述文件中略去"},
    "flannel.ipv6": {
        "en": "net-conf.json enables IPv6 ({option}): netmodel models IPv4 only; left out",
        "zh": "net-conf.json 启用了 IPv6（{option}）：netmodel 只建模 IPv4，已略过"},
    "node.public-ip": {
        "en": "{count} node(s) whose flannel public-ip differs from the InternalIP: the spec "
              "takes the public-ip, where flannel sends the tunnel",
        "zh": "{count} 个节点的 flannel public-ip 与 InternalIP 不同：集群描述文件采用 "
              "public-ip，即 flannel 隧道的目的地址"},
    "node.no-podcidr": {
        "en": "{count} node(s) without `spec.podCIDR`: the spec lets netmodel allocate one",
        "zh": "{count} 个节点没有 `spec.podCIDR`：由 netmodel 分配"},
    "node.no-vtep": {
        "en": "{count} node(s) without a VtepMAC in flannel's backend-data: the spec derives "
              "one from the name",
        "zh": "{count} 个节点的 flannel backend-data 中没有 VtepMAC：按节点名推导"},
    "underlay.assumed": {
        "en": "kubectl does not show the nodes' own subnet: one underlay segment {cidr} "
              "holding every node is assumed, its router at .1 (give --underlay CIDR)",
        "zh": "kubectl 不显示节点自身所在的子网：假定所有节点同在底层网段 {cidr}，"
              "底层路由器为 .1（可用 --underlay CIDR 指定）"},
    "service-cidr.assumed": {
        "en": "kubectl does not show the service CIDR: {cidr} holds every clusterIP and is "
              "assumed (give --service-cidr CIDR)",
        "zh": "kubectl 不显示 Service 网段：假定为容纳所有 clusterIP 的 {cidr}"
              "（可用 --service-cidr CIDR 指定）"},
    "dns.cluster-ip": {
        "en": "kube-system/kube-dns is {actual}, but kubelet's --cluster-dns is not in "
              "kubectl output: the spec's pods name {assumed} in resolv.conf (kubeadm's "
              "choice)",
        "zh": "kube-system/kube-dns 的地址是 {actual}，但 kubectl 输出中没有 kubelet 的 "
              "--cluster-dns：集群描述文件中 Pod 的 resolv.conf 使用 {assumed}（kubeadm 的取值）"},
    "node-ports.widened": {
        "en": "nodePorts outside 30000-32767: the spec's serviceNodePortRange is {range}",
        "zh": "有 nodePort 不在 30000-32767 内：集群描述文件的 serviceNodePortRange 设为 {range}"},
    "ipv6": {
        "en": "{count} IPv6 {what}: netmodel models IPv4 only; left out",
        "zh": "{count} 个 IPv6 {what}：netmodel 只建模 IPv4，已略过"},
    "pod.finished": {
        "en": "{count} pod(s) in phase Succeeded or Failed: left out (their addresses are "
              "released)",
        "zh": "{count} 个处于 Succeeded 或 Failed 阶段的 Pod：已略过（其地址已释放）"},
    "pod.no-ip": {
        "en": "{count} pod(s) without a podIP yet (sandbox not started): left out",
        "zh": "{count} 个 Pod 尚无 podIP（沙箱未启动）：已略过"},
    "pod.init-ports": {
        "en": "{count} init container(s) declaring ports: left out",
        "zh": "{count} 个声明了端口的 Init 容器：已略过"},
    "service.type": {
        "en": "{count} Service(s) of type {type}: kube-proxy programs nothing for them; "
              "left out",
        "zh": "{count} 个 {type} 类型的 Service：kube-proxy 不为其编写规则，已略过"},
    "service.headless": {
        "en": "{count} headless Service(s) (clusterIP None): kube-proxy programs nothing for "
              "them; left out",
        "zh": "{count} 个无头 Service（clusterIP 为 None）：kube-proxy 不为其编写规则，已略过"},
    "service.field": {
        "en": "{count} Service(s) with `{field}`: not modelled; the spec leaves it out",
        "zh": "{count} 个 Service 设置了 `{field}`：未建模，集群描述文件中略去"},
    "service.lb-hostname": {
        "en": "{count} LoadBalancer Service(s) whose status names a hostname, not an IP: "
              "the spec has no loadBalancerIP for them",
        "zh": "{count} 个 LoadBalancer Service 的状态只给出主机名而非 IP：集群描述文件不含其 "
              "loadBalancerIP"},
    "slices.none": {
        "en": "no EndpointSlices in the input: endpoints are what each selector picks, "
              "every pod taken as ready (add endpointslices to the kubectl command)",
        "zh": "输入中没有 EndpointSlice：端点按选择算符选取，所有 Pod 视为就绪"
              "（请在 kubectl 命令中加上 endpointslices）"},
    "slice.orphan": {
        "en": "{count} EndpointSlice(s) of no Service in the input: left out",
        "zh": "{count} 个 EndpointSlice 所属的 Service 不在输入中：已略过"},
    "slice.no-service-label": {
        "en": "{count} EndpointSlice(s) without the kubernetes.io/service-name label: "
              "kube-proxy ignores them; left out",
        "zh": "{count} 个 EndpointSlice 没有 kubernetes.io/service-name 标签：kube-proxy "
              "忽略它们，已略过"},
    "slice.fqdn": {
        "en": "{count} EndpointSlice(s) of addressType FQDN: kube-proxy ignores them; left out",
        "zh": "{count} 个 addressType 为 FQDN 的 EndpointSlice：kube-proxy 忽略它们，已略过"},
    "slice.port-unmatched": {
        "en": "{count} EndpointSlice port(s) matching no port of their Service: left out",
        "zh": "{count} 个 EndpointSlice 端口与其 Service 的端口都不对应：已略过"},
    "endpoint.unready": {
        "en": "{count} endpoint(s) neither ready nor used as a terminating fallback: left "
              "out, as kube-proxy leaves them out",
        "zh": "{count} 个端点既未就绪，也不是终止中的后备端点：已略过，与 kube-proxy 一致"},
    "endpoint.terminating": {
        "en": "{count} Service port(s) with no ready endpoint: their serving, terminating "
              "endpoints are used, as kube-proxy does (KEP-1669)",
        "zh": "{count} 个 Service 端口没有就绪端点：改用仍提供服务的终止中端点，与 kube-proxy "
              "一致（KEP-1669）"},
    "endpoint.local-fallback": {
        "en": "{count} terminating endpoint(s) kube-proxy would use for Local traffic on "
              "their node (no ready local endpoint there): not modelled; left out",
        "zh": "{count} 个终止中端点会被 kube-proxy 用于其所在节点的 Local 流量（该节点无就绪"
              "本地端点）：未建模，已略过"},
    "endpoint.unknown-node": {
        "en": "{count} endpoint(s) on a node not in the input: kept without nodeName",
        "zh": "{count} 个端点所在的节点不在输入中：保留端点，不含 nodeName"},
    "endpoint.hints": {
        "en": "{count} endpoint(s) with topology hints: topology-aware routing is not "
              "modelled; every endpoint is used",
        "zh": "{count} 个端点带有拓扑提示：拓扑感知路由未建模，所有端点都会使用"},
    "ingress.no-controller": {
        "en": "{count} Ingress(es) whose controller Service is unknown: left out (give "
              "--ingress-controller NS/NAME)",
        "zh": "{count} 个 Ingress 的控制器 Service 无法确定：已略过（可用 "
              "--ingress-controller NS/NAME 指定）"},
    "ingress.field": {
        "en": "{count} Ingress(es) with `{field}`: not modelled; the spec leaves it out",
        "zh": "{count} 个 Ingress 设置了 `{field}`：未建模，集群描述文件中略去"},
    "ingress.backend-missing": {
        "en": "{count} Ingress path(s) whose backend Service or port is not in the input: "
              "left out",
        "zh": "{count} 个 Ingress 路径的后端 Service 或端口不在输入中：已略过"},
}


def import_word(key: str, lang: str, **args: Any) -> str:
    """``key`` in ``lang``, its ``{placeholders}`` filled from ``args``."""
    shown = {name: IMPORT_TERMS[value][lang] if isinstance(value, str) and value in IMPORT_TERMS
             else value for name, value in args.items()}
    return IMPORT_WORDS[key][lang].format(**shown)
