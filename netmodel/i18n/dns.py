"""The words of ``netmodel dns``: a pod's resolv.conf and the queries its
resolver sends, in English and Chinese (kubernetes.io/zh-cn: 搜索域, 名字服务器,
上游, 解析器)."""

from __future__ import annotations

from typing import Any

__all__ = ["DNS_WORDS", "dns_word"]

DNS_WORDS: dict[str, dict[str, str]] = {
    "heading": {"en": "# /etc/resolv.conf of pod {pod} (dnsPolicy {policy})",
                "zh": "# Pod {pod} 的 /etc/resolv.conf（dnsPolicy {policy}）"},
    "empty": {"en": "# (empty: the resolver asks 127.0.0.1)",
              "zh": "#（空文件：解析器向 127.0.0.1 查询）"},
    "rule.absolute": {"en": "{name}: ends with a dot, so it is queried as is and only as is",
                      "zh": "{name}：以点结尾，只按原样查询一次"},
    "rule.many": {"en": "{name}: {dots} dot(s), at least ndots {ndots}: as is first, then "
                        "the search list",
                  "zh": "{name}：含 {dots} 个点，不少于 ndots {ndots}：先按原样查询，"
                        "再依次加搜索域"},
    "rule.few": {"en": "{name}: {dots} dot(s), fewer than ndots {ndots}: the search list "
                       "first, the name as is last",
                 "zh": "{name}：含 {dots} 个点，少于 ndots {ndots}：先依次加搜索域，"
                       "最后按原样查询"},
    "address": {"en": "A {address} ({owner})", "zh": "A {address}（{owner}）"},
    "address.bare": {"en": "A {address}", "zh": "A {address}"},
    "nxdomain": {"en": "NXDOMAIN (CoreDNS: no such name in {domain})",
                 "zh": "NXDOMAIN（CoreDNS：{domain} 中没有这个名字）"},
    "forwarded": {"en": "forwarded upstream by CoreDNS (outside the model; {guess})",
                  "zh": "由 CoreDNS 转发给上游（不在模型内，{guess}）"},
    "upstream": {"en": "answered by {server}, outside the model ({guess})",
                 "zh": "由 {server} 应答，不在模型内（{guess}）"},
    "found": {"en": "taken as found", "zh": "按查到处理"},
    "missing": {"en": "taken as not found: the resolver goes on",
                "zh": "按查不到处理，解析器继续"},
    "no-server": {"en": "no answer: nothing serves {server} (no kube-dns endpoints); "
                        "the resolver times out",
                  "zh": "无应答：{server} 后面没有服务端（kube-dns 没有端点），解析器超时"},
    "unsent": {"en": "not sent (the resolver stops at the first answer): {names}",
               "zh": "未发送（解析器拿到第一个应答即停止）：{names}"},
}


def dns_word(key: str, lang: str, **args: Any) -> str:
    return DNS_WORDS[key][lang].format(**args)
