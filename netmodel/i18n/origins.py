"""Who installed a kernel entry, as a detail names it ("installed by flanneld")."""

from __future__ import annotations

__all__ = ["origin_text"]

# Keyed by ``netmodel.state.kernel.Origin``'s values: i18n sits below every stage
# and imports none of them.
_ORIGIN = {
    "en": {"kernel": "the kernel", "cni": "the CNI bridge plugin",
           "flanneld": "flanneld", "provisioning": "the host's own network setup",
           "load-balancer": "the load balancer"},
    # Chinese puts a space between Han and Latin text but none between Han
    # characters, so a Latin name carries its own spaces: "由 flanneld 添加", "由内核添加".
    "zh": {"kernel": "内核", "cni": " CNI bridge 插件",
           "flanneld": " flanneld ", "provisioning": "主机自身的网络配置",
           "load-balancer": "负载均衡器"},
}


def origin_text(origin: str, lang: str) -> str:
    """Who installed an entry (``Origin``'s value), as a detail names it."""
    return _ORIGIN[lang][origin]
