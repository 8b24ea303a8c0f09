"""Display width: what the views size their boxes by, and how they wrap and cut."""

from __future__ import annotations

import pytest

from netmodel.views.measure import MONO_EM, SANS_EM, columns, cut, label_width, wrap


@pytest.mark.parametrize(("text", "width"), [
    ("eth0", 4),
    ("宿主机网络命名空间", 18),  # Han characters: two columns each
    ("节点 node-1", 11),
    ("撤销 DNAT：源地址", 17),  # a fullwidth colon is wide too
    ("ＡＢ", 4),  # fullwidth Latin
    ("e\u0301", 1),  # a combining accent takes no column
    ("a\u200bb", 2),  # nor does a zero-width space (a format character)
    ("", 0),
])
def test_columns_count_wide_characters_twice(text: str, width: int) -> None:
    assert columns(text) == width


def test_label_width_is_the_widest_line_at_the_font_size() -> None:
    assert label_width("ab\nabcd", 10) == pytest.approx(4 * SANS_EM * 10)
    assert label_width("宿主机", 11) == pytest.approx(2 * label_width("abc", 11))
    assert label_width("abc", 10, mono=True) == pytest.approx(3 * MONO_EM * 10)
    # a Han character is drawn 1 em wide: the estimate must not be less
    assert label_width("网", 1) >= 1.0


@pytest.mark.parametrize("text", [
    "-A KUBE-SERVICES -d 10.96.1.2/32 -p tcp -m tcp --dport 5432 -j KUBE-SVC-CDGGSHYLG3RE2FK",
    "nat 表 PREROUTING 链：检查了 6 条规则；DNAT 到 10.244.1.2:5432（选中该端点的概率为 1）",
    "x" * 70,  # one token wider than a line: cut inside it
    "a  b   c",  # runs of spaces are kept
    "",
])
@pytest.mark.parametrize("width", [1, 10, 24, 56])
def test_wrap_loses_nothing_and_keeps_to_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines) == text
    for line in lines:
        # only a single character wider than the width (a Han one at width 1) may exceed it
        assert columns(line.rstrip()) <= width or len(line.rstrip()) == 1, (line, width)


def test_wrap_breaks_at_spaces_when_it_can() -> None:
    assert wrap("-j KUBE-SVC-CDGGSHYLG3RE2FK --reject-with icmp-port-unreachable", 30) == [
        "-j KUBE-SVC-CDGGSHYLG3RE2FK ", "--reject-with ", "icmp-port-unreachable"]
    assert wrap("宿主机网络命名空间", 8) == ["宿主机网", "络命名空", "间"]


def test_cut_measures_display_width_not_characters() -> None:
    assert cut("宿主机网络命名空间", 9) == "宿主机网…"  # 8 columns + the ellipsis
    assert columns(cut("宿主机网络命名空间", 9)) <= 9
    assert cut("host netns", 9) == "host net…"
    assert cut("short", 9) == "short"


def test_a_long_key_is_folded_after_its_slash_and_loses_nothing() -> None:
    from netmodel.views.measure import fold_key

    key = "envoy-gateway-system/envoy-default-edge-3f113443-6d9f8c7b5-q4x2m"
    assert fold_key(key) == key.replace("/", "/\n")
    assert fold_key(key).replace("\n", "") == key
    assert fold_key("default/web-1") == "default/web-1"  # short: one line
    assert fold_key("x" * 40) == "x" * 40  # no slash: nowhere to fold
