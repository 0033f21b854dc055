"""Draw certificate-sample.png: a sample 承诺达标合格证 with its five points numbered (the
illustration of the demo article 承诺达标合格证怎么看). Run by hand; needs Pillow and the
WenQuanYi Micro Hei font (Debian: fonts-wqy-microhei). The trace code is a pattern, not a code."""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
W, H = 1200, 675
GREEN, INK, MUTED, GOLD = (23, 100, 58), (31, 41, 51), (82, 96, 109), (242, 193, 78)
im = Image.new("RGB", (W, H), (234, 244, 238))
d = ImageDraw.Draw(im)


def f(size):
    return ImageFont.truetype(FONT, size)


# the card
card = (150, 40, 1050, 635)
d.rounded_rectangle(
    (card[0] + 8, card[1] + 10, card[2] + 8, card[3] + 10), 18, fill=(200, 214, 205)
)
d.rounded_rectangle(card, 18, fill=(255, 255, 255), outline=GREEN, width=4)
d.rectangle((card[0] + 2, card[1] + 2, card[2] - 2, card[1] + 86), fill=GREEN)
d.rounded_rectangle((card[0], card[1], card[2], card[1] + 90), 18, outline=GREEN, width=4)
title = "承诺达标合格证"
tw = d.textlength(title, font=f(44))
d.text(((W - tw) / 2, card[1] + 16), title, font=f(44), fill=(255, 255, 255))
d.text((card[2] - 128, card[1] + 30), "（示例）", font=f(24), fill=GOLD)
qx, qy, qs = card[2] - 300, card[1] + 130, 230
rows = [
    ("①", "产品名称", "黄瓜"),
    ("", "数量（重量）", "500 千克"),
    ("②", "产地", "某县某镇某村"),
    ("③", "生产者", "某蔬菜专业合作社"),
    ("", "联系方式", "0000-0000000"),
    ("④", "开具日期", "2026 年 10 月 28 日"),
]
y = card[1] + 118
for mark, label, value in rows:
    if mark:
        d.ellipse((card[0] + 30, y - 2, card[0] + 72, y + 40), fill=GOLD)
        mw = d.textlength(mark, font=f(30))
        d.text((card[0] + 51 - mw / 2, y - 1), mark, font=f(30), fill=INK)
    d.text((card[0] + 90, y), label + "：", font=f(30), fill=MUTED)
    d.text((card[0] + 300, y), value, font=f(30), fill=INK)
    d.line((card[0] + 300, y + 42, qx - 24, y + 42), fill=(213, 220, 227), width=2)
    y += 58
# the commitment
y += 6
d.ellipse((card[0] + 30, y - 2, card[0] + 72, y + 40), fill=GOLD)
mw = d.textlength("⑤", font=f(30))
d.text((card[0] + 51 - mw / 2, y - 1), "⑤", font=f(30), fill=INK)
d.text(
    (card[0] + 90, y), "我承诺：不使用禁用农药兽药、停用兽药和非法添加物，", font=f(26), fill=INK
)
d.text(
    (card[0] + 90, y + 36), "常规农药兽药残留不超标。承诺依据：    自我检测", font=f(26), fill=INK
)
bx = card[0] + 90 + d.textlength("常规农药兽药残留不超标。承诺依据：", font=f(26)) + 4
d.rectangle((bx, y + 42, bx + 24, y + 66), outline=INK, width=2)
d.line((bx + 5, y + 54, bx + 10, y + 61), fill=GREEN, width=4)
d.line((bx + 10, y + 61, bx + 21, y + 45), fill=GREEN, width=4)
# a trace-code box (a pattern, not a real code)
d.rectangle((qx, qy, qx + qs, qy + qs), outline=INK, width=3)
rnd = random.Random(2026)
cell = qs // 23
for i in range(23):
    for j in range(23):
        finder = any(a <= i < a + 7 and b <= j < b + 7 for a, b in ((0, 0), (16, 0), (0, 16)))
        if finder:
            ring = max(abs(i - (3 if i < 8 else 19)), abs(j - (3 if j < 8 else 19)))
            on = ring != 2
        else:
            on = rnd.random() < 0.45
        if on:
            d.rectangle(
                (
                    qx + 4 + i * cell,
                    qy + 4 + j * cell,
                    qx + 4 + (i + 1) * cell - 1,
                    qy + 4 + (j + 1) * cell - 1,
                ),
                fill=INK,
            )
lw = d.textlength("追溯码（示意）", font=f(24))
d.text((qx + (qs - lw) / 2, qy + qs + 10), "追溯码（示意）", font=f(24), fill=MUTED)
d.text((card[0] + 30, card[3] - 44), "示例图，非真实证书", font=f(22), fill=MUTED)
im.save(Path(__file__).with_name("certificate-sample.png"), optimize=True)
print(im.size)
