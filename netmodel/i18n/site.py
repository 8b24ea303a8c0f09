"""What the site's pages say around a figure: whether the kernel lab replayed it."""

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
}


def site_word(key: str, lang: str, **args: Any) -> str:
    return SITE_WORDS[key][lang].format(**args)
