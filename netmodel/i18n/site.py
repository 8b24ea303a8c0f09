"""What the site's pages say around a figure: whether the kernel lab replayed it,
and the words of a walk figure's controls (legs, endpoints, the step player)."""

from __future__ import annotations

from typing import Any

__all__ = ["SITE_WORDS", "site_word"]

SITE_WORDS: dict[str, dict[str, str]] = {
    "replayed": {
        "en": "✓ Replayed on a real kernel ({kernel}, netmodel lab --verify): every header of "
              "every step matched.",
        "zh": "✓ 已在真实内核（{kernel}，netmodel lab --verify）上重放："
              "每一步的每个报文头都与模型一致。"},
    "not-replayed": {
        "en": "Not yet replayed on a kernel as drawn here (run netmodel lab --verify --record).",
        "zh": "此图所示路径尚未在内核上重放（运行 netmodel lab --verify --record）。"},
    "search": {"en": "Search this site", "zh": "搜索本站"},
    "leg.request": {"en": "Request", "zh": "请求"},
    "leg.reply": {"en": "Reply", "zh": "应答"},
    "leg.next": {"en": "Proxy → backend", "zh": "代理 → 后端"},
    "leg.next-reply": {"en": "Backend's reply", "zh": "后端的应答"},
    "legs": {"en": "Which packet", "zh": "查看哪个报文"},
    "endpoints": {"en": "Endpoint kube-proxy picks", "zh": "kube-proxy 选中的端点"},
    "endpoint": {"en": "{endpoint} (p = {probability})", "zh": "{endpoint}（概率 {probability}）"},
    "steps": {"en": "Steps of this walk", "zh": "本报文路径的各步"},
    "step.prev": {"en": "Previous step", "zh": "上一步"},
    "step.next": {"en": "Next step", "zh": "下一步"},
    "step.first": {"en": "First step", "zh": "第一步"},
    "player": {"en": "Step through the walk (← →)", "zh": "逐步查看报文路径（← →）"},
    "step.of": {"en": "step {k}/{n}", "zh": "第 {k}/{n} 步"},
    "changed": {"en": "changed here", "zh": "本步改写"},
    "decided": {"en": "decided by", "zh": "依据"},
    "outer": {"en": "outer", "zh": "外层"},
    "no-device": {"en": "(no device yet)", "zh": "（尚无设备）"},
    "ends": {"en": "Ends: {disposition}", "zh": "结果：{disposition}"},
}


def site_word(key: str, lang: str, **args: Any) -> str:
    return SITE_WORDS[key][lang].format(**args)
