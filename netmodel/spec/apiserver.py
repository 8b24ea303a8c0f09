"""The ``default/kubernetes`` Service, as kube-apiserver creates it and keeps it.

Every cluster has it: kube-apiserver's bootstrap controller creates it at
startup and its endpoint reconciler keeps its endpoints, one per API server.
Its facts, from kubernetes (v1.35):

- the address is the first one of ``--service-cluster-ip-range``
  (``pkg/controlplane/services.go`` ``ServiceIPRange``:
  ``GetIndexedIP(&serviceClusterIPRange, 1)``), so 10.96.0.1 for kubeadm;
- one port, ``https`` 443/TCP, whose targetPort is the API server's secure port,
  6443 for kubeadm (``pkg/controlplane/controller/kubernetesservice/controller.go``
  ``createPortAndServiceSpec``, ``createEndpointPortSpec``);
- no selector: the lease endpoint reconciler writes the endpoints itself, one
  address per API server (its ``--advertise-address``, which kubeadm sets to the
  node's address), without a nodeName, sorted as strings
  (``pkg/controlplane/reconcilers/lease.go`` ``doReconcile``: ``EndpointAddress{IP: ip}``,
  ``RepackSubsets``).

kubeadm runs one kube-apiserver (a static pod with hostNetwork) on every
control-plane node; which nodes those are is the spec's ``role: control-plane``.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network

from netmodel.spec.keys import DEFAULT_NAMESPACE
from netmodel.spec.protocol import Protocol
from netmodel.spec.services import Endpoint, Service, ServicePort, ServiceType

__all__ = ["SECURE_PORT", "SERVICE_PORT", "api_server_ip",
           "kubernetes_service"]

SERVICE_PORT = 443  # the Service's port: fixed in the controller's config (pkg/controlplane)
SECURE_PORT = 6443  # kube-apiserver's --secure-port default, and kubeadm's bindPort


def api_server_ip(service_cidr: IPv4Network) -> IPv4Address:
    """The ``kubernetes`` Service's ClusterIP: the first address of the range."""
    return service_cidr.network_address + 1


def kubernetes_service(service_cidr: IPv4Network,
                       api_servers: Iterable[IPv4Address]) -> Service:
    """The Service and the endpoints the reconciler publishes for ``api_servers``."""
    # RepackSubsets sorts addresses by their string, as kube-proxy later does too.
    endpoints = tuple(Endpoint(ip, SECURE_PORT, None)
                      for ip in sorted(set(api_servers), key=str))
    port = ServicePort("https", SERVICE_PORT, Protocol.TCP, str(SECURE_PORT), None, endpoints)
    return Service(name="kubernetes", namespace=DEFAULT_NAMESPACE, type=ServiceType.CLUSTER_IP,
                   cluster_ip=api_server_ip(service_cidr), ports=(port,))
