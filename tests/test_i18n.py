"""Words in one place: nothing the state or the trace writes reaches a Chinese
page in English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from netmodel.i18n import CATALOG
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.walks import walk_between

SPECS = Path(__file__).resolve().parent.parent / "diagrams" / "clusters"
HOST_GW_RACKS = SPECS / "flannel-host-gw-two-segments.yaml"


def _latin_words(text: str) -> set[str]:
    """Runs of English prose: three or more lower-case letters, ignoring the
    identifiers that stay Latin in Chinese text (device and command names) and the
    kernel's own extack message, which ``ip route add`` prints in English everywhere."""
    text = text.replace("Nexthop has invalid gateway", "")
    return set(re.findall(r"\b[a-z]{3,}\b", text)) - {"eth", "dev", "via", "onlink", "tcp",
                                                       "udp", "icmp", "pod", "node", "rack",
                                                       "default", "conntrack"}


def test_refused_host_gw_route_reads_in_chinese() -> None:
    # node-1 asks for a route via node-3 across the router; the kernel refuses it,
    # and the walk's NO_ROUTE reason says why, in the reader's language.
    model = Model(load_spec(HOST_GW_RACKS))
    trace = walk_between(model, "pod/web-1", "pod/db-3")
    zh = trace.reason.render("zh")
    en = trace.reason.render("en")
    assert "refused" in en
    assert "内核拒绝" in zh
    assert not _latin_words(zh), zh


def test_cli_reason_in_chinese_has_no_english_prose() -> None:
    out = subprocess.run([sys.executable, "-m", "netmodel", "trace", str(HOST_GW_RACKS),
                          "pod/web-1", "pod/db-3", "--lang", "zh"],
                         capture_output=True, text=True, check=False)
    reason = next(line for line in out.stdout.splitlines() if line.strip().startswith("原因"))
    assert not _latin_words(reason), reason


def test_every_detail_has_both_languages() -> None:
    for key, texts in CATALOG.items():
        assert set(texts) == {"en", "zh"}, key
        # the same placeholders in both, so no argument is dropped in translation
        assert (set(re.findall(r"{(\w+)}", texts["en"]))
                == set(re.findall(r"{(\w+)}", texts["zh"]))), key


def test_chinese_details_set_no_space_between_han_characters() -> None:
    # "底层路由器 的路由表": a Han place name dropped into "{who} 的路由表".
    model = Model(load_spec(HOST_GW_RACKS))
    trace = walk_between(model, "pod/web-1", "pod/db-3")
    texts = [trace.reason.render("zh")] + [step.detail.render("zh") for hop in trace.hops
                                          for step in hop.steps]
    assert any("路由器" in text for text in texts)
    for text in texts:
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text), text


def test_cli_hop_headings_in_chinese_name_the_internet_and_the_underlay() -> None:
    # An external client's walk crosses the internet and the underlay router:
    # each hop's heading is built from its netns's identity, in the language asked.
    spec = SPECS / "two-nodes-vxlan.yaml"
    for brief in ([], ["--brief"]):
        out = subprocess.run([sys.executable, "-m", "netmodel", "trace", str(spec),
                              "external/203.0.113.7", "node/node-2", "--port", "30432",
                              "--lang", "zh", *brief],
                             capture_output=True, text=True, check=False).stdout
        headings = [line.split(" · eth")[0].split(" · wan")[0]
                    for line in out.splitlines() if re.match(r"^\s+\[\d+\] ", line)]
        assert any("互联网" in h for h in headings) and any("底层网络" in h for h in headings)
        for heading in headings:
            assert not _latin_words(heading), heading
