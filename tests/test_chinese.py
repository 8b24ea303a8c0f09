"""The Chinese pages follow one house style, checked on every ``docs/*.zh.md``:

- **spacing**: a space between Han characters and Latin letters or digits, in
  both directions (``在 node-1 上``, ``默认 10800 秒``), the style of the zh-cn
  pages on kubernetes.io. Inline code and ``{{nm …}}`` values count as Latin, since
  that is what they render to. No space between two Han characters or next to
  full-width punctuation.
- **terms**: one rendering per concept (Pod, Service, 发夹（hairpin）,
  地址伪装（MASQUERADE）, 集群描述文件, 底层路由器, 套接字, 报文路径).
- **links**: kubernetes.io is linked in its zh-cn edition, under its Chinese title.

Prose only: front matter, fenced blocks and inline code are skipped, except the
Chinese captions of ``netmodel`` fences, which readers see under each diagram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = [pytest.param(page, id=page.name) for page in sorted(DOCS.glob("*.zh.md"))]


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>```+|~~~+)(?P<info>.*)$")
_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_VALUE = re.compile(r"\{\{nm [^}]*\}\}")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTRS = re.compile(r"\{[#.:][^}]*\}")  # heading ids, attr_list


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # the prose as a reader sees it: links reduced to their text
    links: tuple[tuple[str, str], ...]  # (text, url) of every link on the line


def _prose_lines(markdown: str) -> list[Line]:
    lines = markdown.splitlines()
    out: list[Line] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), 0) + 1
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i])
        if opened:
            start, indent, mark = i, opened["indent"], opened["mark"]
            i += 1
            while i < len(lines) and not lines[i].startswith(indent + mark):
                i += 1
            if opened["info"].strip() == "netmodel":
                body = "\n".join(line[len(indent):] for line in lines[start + 1:i])
                caption = (yaml.safe_load(body) or {}).get("caption")
                if isinstance(caption, dict) and "zh" in caption:
                    out.append(_line(start + 1, str(caption["zh"])))
                elif isinstance(caption, str):
                    out.append(_line(start + 1, caption))
            i += 1
            continue
        out.append(_line(i + 1, lines[i]))
        i += 1
    return out


def _line(number: int, raw: str) -> Line:
    links = tuple((m["text"], m["url"]) for m in _LINK.finditer(raw))
    text = _LINK.sub(lambda m: m["text"], raw)
    # What renders as Latin text stands in as one Latin letter, so that spacing
    # around it is checked like spacing around any Latin word.
    text = _VALUE.sub("x", _CODE.sub("x", text))
    text = _ATTRS.sub("", _TAG.sub("", text))
    text = re.sub(r"\*\*|(?<![A-Za-z0-9*])\*(?=\S)|(?<=\S)\*(?![A-Za-z0-9*])", "", text)  # emphasis
    text = re.sub(r"^\s*(?:[-*+]|\d+\.|#+|!!!\s+\w+|===)\s*", "", text)  # list, heading…
    return Line(number, text, links)


# A lookahead, so that overlapping pairs (Han, code, Han) are each found.
_TIGHT = re.compile(rf"(?=([{_HAN}][A-Za-z0-9]|[A-Za-z0-9][{_HAN}]))")


# And no space where Chinese needs none: between two Han characters, or next to
# full-width punctuation.
_LOOSE = re.compile(rf"(?=([{_HAN}] +[{_HAN}]| +[，。；：、！？）]|[（] +))")


def spacing_problems(markdown: str) -> list[str]:
    return [f"{line.number}: {line.text.strip()[:80]!r} at {m.group(1)!r}"
            for line in _prose_lines(markdown)
            for m in (*_TIGHT.finditer(line.text), *_LOOSE.finditer(line.text))]


# (pattern, what to write instead). Link texts are left out of the term checks:
# an English article keeps its English title.
_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w/.-])pods?(?![\w/-])"), "Pod (the Kubernetes object keeps its name)"),
    (re.compile(r"服务(?!端|器|代理|发现)(?<!提供服务)"), "Service (the Kubernetes object)"),
    (re.compile(r"Pod（Pod）|Service（Service）|服务（Service）"), "the term alone"),
    (re.compile(r"回环（hairpin）|[Hh]airpin(?!）| 模式|（)"),
     "发夹（hairpin） the first time, 发夹 after"),
    (re.compile(r"(?<!地址伪装（)MASQUERADE"), "地址伪装（MASQUERADE）, or `MASQUERADE` as code"),
    (re.compile(r"(?<!集群描述文件（)(?<![\w-])spec(?![\w-])|规格文件|(?<!集群)描述文件"),
     "集群描述文件"),
    (re.compile(r"underlay ?路由器|底层网络(的)?路由器|underlay router"), "底层路由器"),
    (re.compile(r"(?<![\w-])[Ss]ockets?(?![\w-])"), "套接字"),
    (re.compile(r"报文之旅|数据包之旅"), "报文路径"),
)


def term_problems(markdown: str) -> list[str]:
    problems = []
    glossary = False
    for line in _prose_lines(markdown):
        text = line.text
        for link_text, _ in line.links:
            text = text.replace(link_text, "", 1)
        # The glossary's first column is the English term itself.
        glossary = text.startswith("| English |") or (glossary and text.startswith("|"))
        if glossary:
            text = "|" + text.split("|", 2)[-1]
        for pattern, instead in _TERMS:
            problems += [f"{line.number}: {m.group()!r} in {line.text.strip()[:60]!r}: "
                         f"write {instead}" for m in pattern.finditer(text)]
    return problems


# Words that stay Latin in the zh-cn titles themselves ("Pod", "虚拟 IP 和服务代理").
# "Ingress" and "Gateway API" are the zh-cn titles of those pages.
_KEPT_LATIN = re.compile(r"\b(?:Pod|Service|Ingress|Gateway|Kubernetes|API|IP|CNI|NAT|DNS|"
                         r"NodeLocal|DNSCache)\b")


def link_problems(markdown: str) -> list[str]:
    problems = []
    for line in _prose_lines(markdown):
        for text, url in line.links:
            if re.match(r"https?://kubernetes\.io/docs/", url):
                problems.append(f"{line.number}: {url}: link the zh-cn page "
                                "(https://kubernetes.io/zh-cn/docs/…)")
            elif url.startswith("https://kubernetes.io/zh-cn/") and re.search(
                    "[A-Za-z]{2,}", _KEPT_LATIN.sub("", _CODE.sub("", text))):
                problems.append(f"{line.number}: [{text}]({url}): use the page's Chinese title")
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_han_and_latin_are_separated_by_a_space(page: Path) -> None:
    assert spacing_problems(page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("page", PAGES)
def test_one_term_per_concept(page: Path) -> None:
    assert term_problems(page.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("page", PAGES)
def test_kubernetes_io_is_linked_in_chinese(page: Path) -> None:
    assert link_problems(page.read_text(encoding="utf-8")) == []


# The checks themselves, on text written to break each rule once.
@pytest.mark.parametrize(("markdown", "found"), [
    ("在node-1 上", 1),                      # Han then Latin
    ("默认10800 秒", 1),                     # Han then digits
    ("Pod的地址", 1),                        # Latin then Han
    ("见[flannel 一章](flannel.md)", 1),     # a link's text counts as it renders
    ("地址是{{nm pod web-1 ip}}。", 1),      # a computed value renders as Latin
    ("运行`ip route`即可", 2),               # inline code on both sides
    ("在 node-1 上，地址是 {{nm pod web-1 ip}}。", 0),
    ("发给 底层路由器", 1),                  # a space between two Han characters
    ("地址是 x ，然后", 1),                  # a space before full-width punctuation
    ("（ 见下文）", 1),                      # and after an opening one
    ("```netmodel\ncaption: {en: x, zh: \"经过node-1\"}\n```", 1),  # captions are prose
    ("```text\n经过node-1\n```", 0),         # other fences are not
    ("---\ntitle: 第1部分\n---\n正文", 0),   # front matter is not
])
def test_spacing_check_finds_what_it_should(markdown: str, found: int) -> None:
    assert len(spacing_problems(markdown)) == found


@pytest.mark.parametrize(("markdown", "found"), [
    ("每个 pod 一个", 1), ("每个 Pod 一个", 0), ("`pod/web-1`", 0),
    ("web 服务的地址", 1), ("服务端看到的", 0), ("虚拟 IP 和服务代理", 0),
    ("回环（hairpin）", 1), ("发夹（hairpin）", 0), ("hairpin 模式", 0),
    ("MASQUERADE 之后", 1), ("地址伪装（MASQUERADE）", 0), ("`MASQUERADE`", 0),
    ("这份 spec", 1), ("规格文件", 1), ("集群描述文件", 0),
    ("underlay 路由器", 1), ("底层路由器", 0), ("socket", 1), ("报文之旅", 1),
    ("[Understanding Kubernetes networking: pods](https://medium.com/x)", 0),
    ("集群描述文件（spec）", 0),                    # the term stated where it first appears
    ("| English | 中文 |\n|---|---|\n| hairpin | 发夹（hairpin） |", 0),  # the glossary
    ("| 中文 |\n|---|\n| hairpin |", 1),
])
def test_term_check_finds_what_it_should(markdown: str, found: int) -> None:
    assert len(term_problems(markdown)) == found


@pytest.mark.parametrize(("markdown", "found"), [
    ("[Pod](https://kubernetes.io/docs/concepts/workloads/pods/)", 1),
    ("[Pods](https://kubernetes.io/zh-cn/docs/concepts/workloads/pods/)", 1),
    ("[Pod](https://kubernetes.io/zh-cn/docs/concepts/workloads/pods/)", 0),  # its zh title
    ("[虚拟 IP 和服务代理](https://kubernetes.io/zh-cn/docs/reference/networking/virtual-ips/)", 0),
    ("[Virtual IPs](https://kubernetes.io/zh-cn/docs/reference/networking/virtual-ips/)", 1),
])
def test_link_check_finds_what_it_should(markdown: str, found: int) -> None:
    assert len(link_problems(markdown)) == found
