"""Deterministic synthetic credit data: producers with realistic Chinese names and facts.

Two entry points:

* :func:`generate` (``manage.py generate_data``) streams any number of producers, batch by
  batch, with their facts dated over the 30 months before a fixed reference date.
* :func:`load_demo_credit` seeds the demo site with ~200 producers in a few real counties,
  dated relative to today, mixed so that every grade, the blacklist, certified products and
  recent failed samplings all show up.

Everything is derived from ``seed``: each producer ``i`` draws from its own
``random.Random`` seeded by (seed, i), so the data does not depend on the batch size, and
``--no-facts`` yields exactly the same producers as a run with facts. Identifiers are unique
by construction: USCC bodies, ID-number (birth date, sequence) pairs and the per-producer
token inside sample and certificate codes come from bijections of ``i``; case, blacklist and
certification numbers come from counters advanced in producer order. Nothing here computes
grades: run ``recompute_grades`` (or let the demo loader's caller do it) afterwards.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from credit.identifiers import USCC_ALPHABET, make_id_number, make_uscc

REFERENCE_DATE = date(2026, 11, 1)
SPAN_MONTHS = 30
SOURCE = "synthetic"
DEMO_SOURCE = "synthetic-demo"
EXCLUDED_PROVINCES = ("71", "81", "82")  # no county agriculture bureaus on this platform

# ============================================================================================
# Word parts (written for this project)
# ============================================================================================


def _uniq(chars: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in chars if not c.isspace()))


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


# Common surnames, most frequent first; weights fall off roughly like real frequencies.
SURNAMES = _uniq(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容")
_SURNAME_CUM = list(
    itertools.accumulate(1.0 / (r + 1.5) ** 1.2 for r in range(1, len(SURNAMES) + 1))
)

MALE_FIRST = _uniq(
    "建国志永德文明玉长金春秋立振海红卫宝福成庆俊家晓小东学兴云贵胜治新光荣连树世军天宏利万忠"
    "先广双占桂喜洪少保富汉瑞守友耀朝宗启兆景良清仁义继延泽传道培昌鸿运青松林子佳浩宇嘉博"
)
MALE_SECOND = _uniq(
    "国华军平明强伟勇刚林峰斌宏东德福贵财生成兴旺发山亮波涛杰磊鹏辉超飞龙俊健新民力良彬武义宝"
    "祥瑞泉荣喜顺友江洪君云清忠安全权才海文章魁奎银锋庆春和正胜利阳凯柱根堂昌茂盛森岩峻钢"
)
FEMALE_FIRST = _uniq(
    "秀桂玉淑凤春丽美海红晓小金素翠彩雪艳慧静雅佳婷晶爱冬秋月兰文志建雨梦欣思梓诗子亚巧银福荣"
    "香会惠云燕英琳明俊丹宝"
)
FEMALE_SECOND = _uniq(
    "英兰芳珍梅霞萍红艳华燕琴娟敏静慧云莲翠菊花荣娥芬洁婷雪晶丹莉颖娜倩玲薇琳萱怡欣蓉凤玉秀平"
    "香青茹媛璐婕妮丽珠巧爽侠娇娣钰"
)

# Brand-like words for enterprise and cooperative names: a hand-written list plus pairs.
BRANDS = _words(
    """丰禾 绿源 金穗 吉祥 兴农 康农 富民 惠农 丰收 田园 绿野 沃土 金田 鑫源 宏达 恒丰 众惠 益农
    绿丰 禾丰 嘉禾 谷丰 丰泽 润田 泽农 青禾 春晖 秋实 硕果 金秋 瑞丰 福源 鸿运 鸿丰 宏泰 泰和
    和润 和顺 顺达 祥和 盛源 兴旺 兴隆 隆盛 昌盛 永丰 永盛 长青 绿洲 绿康 绿宝 绿谷 翠园 翠峰
    青山 碧水 清泉 山泉 溪源 源丰 金谷 金禾 金农 金土地 五谷 百合 千禾 万亩 万家 万顺 万丰 百盛
    千秋 神农 后稷 稼穑 禾润 禾盛 沃野 沃丰 黑土地 红日 旭日 东升 阳光 晨光 曙光 星火 宏图
    远航 腾飞 振兴 绿色家园 乡韵 田野 稻香 麦香 果香 茶香 菌香 牧歌 天润 天禾 地丰 天成 天丰
    天宝 华农 华丰 中禾 国丰 新农 新禾 新田 佳禾 佳农 优农 鲜之源 鲜丰 鲜农 康源 益康 益丰
    润丰 润禾 众兴 众富 众诚 诚信 德丰 德润 仁和 同心 同兴 协力 联丰 合力 和盛 和兴 兴盛 源盛
    聚丰 聚农 聚源 丰源 丰茂 茂源 茂丰 绿之韵 山里红 青青 田丰 禾田 农之源 瑞禾 金色田园"""
)
BRAND_A = _uniq(
    "丰禾绿金鑫兴富惠康泰和顺祥瑞福鸿宏盛昌隆永长嘉佳润沃田谷穗春秋青翠碧山泉源农益众民天华新恒信诚德仁旺达腾正宇硕稷晟旭鼎"
)
BRAND_B = _uniq(
    "丰禾源农田园穗谷泰和顺祥瑞福盛昌隆达兴旺康润泽茂林山川泉苑嘉鑫宝成信诚德发惠民华森晟耀鼎升辉"
)

# Place-word parts for towns and villages (invented combinations of common place words).
TOWN_A = _uniq(
    "东西南北前后大小新老高黄白青红三双万永太龙凤金石柳杨桃梨柏松沙清长安平和兴富宝福马牛"
)
TOWN_B = _uniq("河山岭岗沟堡营庄店屯桥集坪湾台坝铺口湖塘溪林泉原阳兴丰乐安宁家")
VILLAGE_TAIL = ("村", "村", "村", "屯", "庄", "堡", "湾", "岭", "沟")

# Product foci: the word in the name, its §9 categories, the activity, business words for
# enterprise names, specific products (else the category's list) and a province gate.
TEA_PROVINCES = frozenset(
    ["32", "33", "34", "35", "36", "41", "42", "43", "44", "45", "50", "51", "52", "53", "61"]
)
SOUTH = frozenset(
    ["31", "32", "33", "34", "35", "36", "42", "43", "44", "45", "46", "50", "51", "52", "53"]
)
NORTH = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "37", "41", "61", "62", "63", "64", "65"]
)


@dataclass(frozen=True)
class Focus:
    word: str
    categories: tuple[str, ...]
    activity: str  # 种植 / 养殖 / "" (the word already says it)
    biz: tuple[str, ...]
    products: tuple[str, ...] = ()
    provinces: frozenset | None = None
    weight: float = 1.0


FOCI = (
    Focus("蔬菜", ("vegetables",), "种植", ("蔬菜", "农业科技", "生态农业", "农产品"), weight=16),
    Focus("果蔬", ("vegetables", "fruit"), "种植", ("果蔬", "农业发展", "农业科技"), weight=6),
    Focus("设施蔬菜", ("vegetables",), "种植", ("蔬菜", "农业科技"), weight=2),
    Focus("食用菌", ("edible_fungi",), "种植", ("食用菌", "菌业", "生物科技"), weight=4),
    Focus("香菇", ("edible_fungi",), "种植", ("菌业", "食用菌"), ("香菇",), weight=1.5),
    Focus("黑木耳", ("edible_fungi",), "种植", ("菌业", "食用菌"), ("黑木耳",), NORTH, 1),
    Focus("水果", ("fruit",), "种植", ("果业", "农业发展"), weight=4),
    Focus("苹果", ("fruit",), "种植", ("果业",), ("苹果",), NORTH, 2),
    Focus("葡萄", ("fruit",), "种植", ("果业", "农业发展"), ("葡萄",), weight=1.5),
    Focus("草莓", ("fruit",), "种植", ("果业", "农业科技"), ("草莓",), weight=1.5),
    Focus("西甜瓜", ("fruit",), "种植", ("果业", "农业发展"), ("西瓜", "甜瓜"), weight=1.5),
    Focus("红枣", ("fruit",), "种植", ("果业", "农产品"), ("枣",), NORTH, 1),
    Focus("柑橘", ("fruit",), "种植", ("果业",), ("柑橘", "脐橙", "蜜柚"), SOUTH, 2),
    Focus(
        "猕猴桃",
        ("fruit",),
        "种植",
        ("果业",),
        ("猕猴桃",),
        frozenset({"52", "51", "61", "43", "36", "50"}),
        1,
    ),
    Focus(
        "茶叶", ("tea",), "种植", ("茶业", "茶叶", "生态农业"), weight=4, provinces=TEA_PROVINCES
    ),
    Focus("粮食", ("grain",), "种植", ("粮油", "农业发展", "米业"), weight=5),
    Focus("水稻", ("grain",), "种植", ("米业", "粮油"), ("大米", "稻谷"), weight=3),
    Focus("玉米", ("grain",), "种植", ("粮油", "农业发展"), ("玉米",), NORTH, 3),
    Focus(
        "杂粮",
        ("grain",),
        "种植",
        ("杂粮", "粮油", "农产品"),
        ("小米", "谷子", "高粱", "绿豆", "荞麦", "燕麦"),
        NORTH,
        2,
    ),
    Focus(
        "中药材",
        ("other",),
        "种植",
        ("中药材", "生物科技"),
        ("黄芪", "党参", "丹参", "金银花", "连翘"),
        weight=2,
    ),
    Focus("生猪", ("livestock",), "养殖", ("牧业", "畜牧", "养殖"), ("猪肉", "猪肝"), weight=4),
    Focus("肉牛", ("livestock",), "养殖", ("牧业", "畜牧"), ("牛肉",), weight=2),
    Focus("肉羊", ("livestock",), "养殖", ("牧业", "畜牧"), ("羊肉",), weight=1.5),
    Focus("畜禽", ("livestock", "poultry"), "养殖", ("牧业", "畜牧", "养殖"), weight=2),
    Focus("肉鸡", ("poultry",), "养殖", ("禽业", "养殖"), ("鸡肉",), weight=1.5),
    Focus("蛋鸡", ("eggs",), "养殖", ("禽业", "蛋业", "养殖"), ("鸡蛋",), weight=2),
    Focus(
        "水禽", ("poultry", "eggs"), "养殖", ("禽业", "养殖"), ("鸭肉", "鹅肉", "鸭蛋"), SOUTH, 1
    ),
    Focus("水产", ("aquatic",), "养殖", ("水产", "渔业", "生态农业"), weight=3),
    Focus(
        "稻渔综合",
        ("grain", "aquatic"),
        "种养",
        ("生态农业", "农业发展"),
        ("大米", "小龙虾", "泥鳅"),
        SOUTH,
        1,
    ),
    Focus("种养殖", ("grain", "livestock"), "", ("农牧", "农业发展"), weight=2),
)

PRODUCTS = {
    "vegetables": _words(
        "黄瓜 番茄 辣椒 茄子 豇豆 菜豆 芹菜 韭菜 菠菜 大白菜 普通白菜 油麦菜 生菜 结球甘蓝 花椰菜 青花菜 萝卜 胡萝卜 马铃薯 山药 大葱 洋葱 蒜薹 生姜 南瓜 冬瓜 丝瓜 苦瓜 西葫芦 莴笋"
    ),
    "fruit": _words("苹果 梨 桃 葡萄 草莓 西瓜 甜瓜 樱桃 猕猴桃 柑橘 李子 杏 枣 蓝莓 柿子 石榴"),
    "livestock": _words("猪肉 猪肝 牛肉 羊肉"),
    "poultry": _words("鸡肉 鸭肉 鹅肉 鸡肝"),
    "eggs": _words("鸡蛋 鸭蛋 鹌鹑蛋"),
    "aquatic": _words(
        "草鱼 鲤鱼 鲫鱼 鲢鱼 鳙鱼 鳊鱼 黄鳝 泥鳅 小龙虾 南美白对虾 河蟹 鳜鱼 黄颡鱼 乌鳢"
    ),
    "tea": _words("绿茶 红茶 白茶 乌龙茶 黑茶 毛尖 翠芽"),
    "grain": _words("大米 稻谷 玉米 小麦 小米 高粱 大豆 绿豆 荞麦"),
    "edible_fungi": _words("香菇 平菇 金针菇 杏鲍菇 黑木耳 双孢蘑菇 银耳 茶树菇"),
    "other": _words("黄芪 党参 枸杞 花椒 蜂蜜 核桃 板栗"),
}
_PRODUCT_CATEGORY = {}
for _cat, _names in PRODUCTS.items():
    for _n in _names:
        _PRODUCT_CATEGORY.setdefault(_n, _cat)
_PRODUCT_CATEGORY.update(
    {
        "小龙虾": "aquatic",
        "泥鳅": "aquatic",
        "连翘": "other",
        "丹参": "other",
        "金银花": "other",
        "脐橙": "fruit",
        "蜜柚": "fruit",
        "谷子": "grain",
        "燕麦": "grain",
        "鸭蛋": "eggs",
    }
)

# Substances found in failed samples: (over the maximum residue limit, prohibited).
FAILED_ITEMS = {
    "vegetables": (
        (
            "毒死蜱",
            "腐霉利",
            "啶虫脒",
            "噻虫胺",
            "噻虫嗪",
            "阿维菌素",
            "氯氟氰菊酯",
            "吡虫啉",
            "镉（以Cd计）",
            "联苯菊酯",
        ),
        ("克百威", "甲拌磷", "氧乐果", "水胺硫磷", "氟虫腈", "甲胺磷"),
    ),
    "fruit": (
        ("多菌灵", "吡唑醚菌酯", "戊唑醇", "氯氟氰菊酯", "丙溴磷", "苯醚甲环唑", "毒死蜱"),
        ("克百威", "氧乐果", "甲拌磷"),
    ),
    "livestock": (
        ("恩诺沙星", "磺胺类（总量）", "甲氧苄啶", "土霉素", "多西环素"),
        ("克伦特罗", "莱克多巴胺", "沙丁胺醇", "氯霉素"),
    ),
    "poultry": (
        ("恩诺沙星", "氟苯尼考", "磺胺类（总量）", "多西环素"),
        ("氯霉素", "呋喃唑酮代谢物", "金刚烷胺"),
    ),
    "eggs": (("恩诺沙星", "氟苯尼考", "甲硝唑"), ("氟虫腈", "呋喃唑酮代谢物", "氯霉素")),
    "aquatic": (
        ("恩诺沙星", "磺胺类（总量）", "甲氧苄啶", "地西泮"),
        ("孔雀石绿", "氯霉素", "呋喃西林代谢物", "呋喃唑酮代谢物"),
    ),
    "tea": (
        ("联苯菊酯", "啶虫脒", "氯氟氰菊酯", "茚虫威", "吡虫啉"),
        ("三氯杀螨醇", "水胺硫磷", "氰戊菊酯"),
    ),
    "grain": (
        ("镉（以Cd计）", "铅（以Pb计）", "黄曲霉毒素B1", "脱氧雪腐镰刀菌烯醇"),
        ("甲胺磷", "克百威"),
    ),
    "edible_fungi": (("氯氰菊酯", "多菌灵", "咪鲜胺和咪鲜胺锰盐", "百菌清"), ("克百威", "甲拌磷")),
    "other": (("毒死蜱", "多菌灵", "二氧化硫残留量"), ("克百威", "氧乐果")),
}
# Contaminants are limited by their own standards, not the residue-limit ones.
CONTAMINANT_STANDARDS = {
    "镉（以Cd计）": "GB 2762",
    "铅（以Pb计）": "GB 2762",
    "黄曲霉毒素B1": "GB 2761",
    "脱氧雪腐镰刀菌烯醇": "GB 2761",
    "二氧化硫残留量": "GB 2760",
}
VET_CATEGORIES = frozenset({"livestock", "poultry", "eggs", "aquatic"})
UNITS = {
    "vegetables": ("公斤", "公斤", "箱"),
    "fruit": ("公斤", "箱"),
    "livestock": ("头", "公斤"),
    "poultry": ("只", "公斤"),
    "eggs": ("公斤", "箱"),
    "aquatic": ("公斤",),
    "tea": ("公斤",),
    "grain": ("公斤", "吨"),
    "edible_fungi": ("公斤",),
    "other": ("公斤",),
}

# Live animals are certified by head (头/只), meat by weight.
LIVE_ANIMALS = {
    "猪肉": "生猪",
    "牛肉": "肉牛",
    "羊肉": "肉羊",
    "鸡肉": "活鸡",
    "鸭肉": "活鸭",
    "鹅肉": "活鹅",
}

MOBILE_PREFIXES = tuple(
    str(p)
    for p in (
        *range(130, 140),
        145,
        147,
        *range(150, 154),
        *range(155, 160),
        162,
        165,
        166,
        167,
        *range(170, 174),
        *range(175, 179),
        *range(180, 190),
        *range(190, 194),
        *range(195, 200),
    )
)

# Producer kinds, their shares and how many facts each tends to have (relative).
KIND_SHARES = (
    ("enterprise", 0.11, 1.6),
    ("cooperative", 0.24, 1.2),
    ("family_farm", 0.28, 0.9),
    ("grower", 0.30, 0.7),
    ("input_dealer", 0.07, 0.6),
)
_KIND_CUM = list(itertools.accumulate(s for _, s, _ in KIND_SHARES))
_KIND_FACTS = {k: w for k, _, w in KIND_SHARES}
_NO_FACTS_SHARE = 0.06  # newly registered producers with nothing on file yet
_MEAN_FACT_WEIGHT = sum(s * w for _, s, w in KIND_SHARES) * (1 - _NO_FACTS_SHARE)

# Quality tiers: (share, records fail, certificate fail, inputs fail, sampling fail).
TIERS = (
    (0.75, 0.03, 0.03, 0.01, 0.010),
    (0.18, 0.20, 0.20, 0.06, 0.050),
    (0.07, 0.45, 0.45, 0.15, 0.150),
)
_TIER_CUM = list(itertools.accumulate(t[0] for t in TIERS))
PROHIBITED_SHARE = 0.107  # of failed samples: ~0.3 % of all samples when ~2.8 % fail
CERTIFIED_SHARE = {
    "enterprise": 0.25,
    "cooperative": 0.12,
    "family_farm": 0.05,
    "grower": 0.01,
    "input_dealer": 0.0,
}

LAW = "《中华人民共和国农产品质量安全法》"
_PLAN_CODES = {"routine": "JC", "supervision": "CC", "special": "ZX"}


# ============================================================================================
# Small helpers
# ============================================================================================


def _derive(seed: int, salt: str) -> int:
    digest = hashlib.sha256(f"nongan-synthetic/{salt}/{seed}".encode()).digest()
    return int.from_bytes(digest[:12], "big")


class AffinePermutation:
    """i ↦ (a·i + b) mod m with gcd(a, m) = 1: a bijection of [0, m), keyed by the seed."""

    def __init__(self, modulus: int, key: int):
        rng = random.Random(key)
        self.m = modulus
        while True:
            a = rng.randrange(modulus // 7, modulus - 1)
            if math.gcd(a, modulus) == 1:
                break
        self.a, self.b = a, rng.randrange(modulus)

    def __call__(self, i: int) -> int:
        if not 0 <= i < self.m:
            raise ValueError(f"index {i} outside the permutation's range {self.m}")
        return (self.a * i + self.b) % self.m


def _base31(n: int, width: int) -> str:
    chars = []
    for _ in range(width):
        n, r = divmod(n, 31)
        chars.append(USCC_ALPHABET[r])
    return "".join(reversed(chars))


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(first8: str) -> str:
    """GB 11714 organisation-code check character for 8 leading characters."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(first8, _ORG_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else ("0" if value == 11 else str(value))


def _pick_cum(rng: random.Random, items: Sequence, cum: Sequence[float]):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def short_county_name(name: str) -> str:
    """农安县 → 农安, 太谷区 → 太谷, 青龙满族自治县 → 青龙, 祁县 → 祁县 (too short to cut)."""
    if "自治" in name:
        return name[:2]
    for suffix in ("特区", "林区", "县", "区", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def person_name(rng: random.Random, male: bool) -> str:
    surname = (
        rng.choice(COMPOUND_SURNAMES)
        if rng.random() < 0.003
        else _pick_cum(rng, SURNAMES, _SURNAME_CUM)
    )
    first, second = (MALE_FIRST, MALE_SECOND) if male else (FEMALE_FIRST, FEMALE_SECOND)
    if rng.random() < 0.12:
        return surname + rng.choice(second)
    a, b = rng.choice(first), rng.choice(second)
    if a == b and rng.random() < 0.7:  # reduplicated names (丽丽) exist but are rarer
        b = rng.choice(second)
    return surname + a + b


def brand(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return rng.choice(BRANDS)
    a = rng.choice(BRAND_A)
    b = rng.choice(BRAND_B)
    while b == a:
        b = rng.choice(BRAND_B)
    return a + b


def town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_A) + rng.choice(TOWN_B) + ("镇" if rng.random() < 0.72 else "乡")


def village_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return _pick_cum(rng, SURNAMES[:80], _SURNAME_CUM[:80]) + "家" + rng.choice(VILLAGE_TAIL)
    return rng.choice(TOWN_A) + rng.choice(TOWN_B) + rng.choice(VILLAGE_TAIL)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


# ============================================================================================
# Regions
# ============================================================================================


@dataclass(frozen=True)
class County:
    code: str
    name: str
    short: str
    city: str  # the parent's name, or the province's for municipality districts
    province: str
    weight: float

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def qualified(self) -> str:
        """上饶市广丰区 — the county with its city, as family farms are often registered."""
        return (
            self.name
            if self.city == self.province and self.code[:2] in ("11", "12", "31", "50")
            else self.city + self.name
        )


def _county_weight(name: str, parent_is_province: bool) -> float:
    if name.endswith("区"):
        return 0.6 if parent_is_province else 1.0
    if name.endswith("市"):
        return 2.5
    return 3.0  # 县、旗、自治县: most farms are here


def counties_from_rows(rows: Iterable, prefixes: Sequence[str] = ()) -> list[County]:
    """Build County records from rows with code, name, level and parent code.

    Accepts RegionRow-like objects (``parent_code``) or Region models (``parent_id``).
    """
    rows = list(rows)
    by_code = {r.code: r for r in rows}

    def parent(r):
        code = getattr(r, "parent_code", None)
        if code is None:
            code = getattr(r, "parent_id", None)
        return by_code.get(code or "")

    out = []
    for r in rows:
        if r.level != "county" or r.code[:2] in EXCLUDED_PROVINCES:
            continue
        if prefixes and not any(r.code.startswith(p) for p in prefixes):
            continue
        city = parent(r)
        province = by_code.get(r.code[:2] + "0000")
        province_name = province.name if province else (city.name if city else "")
        city_name = city.name if city else province_name
        out.append(
            County(
                r.code,
                r.name,
                short_county_name(r.name),
                city_name,
                province_name,
                _county_weight(r.name, city is not None and city.level == "province"),
            )
        )
    out.sort(key=lambda c: c.code)
    return out


def region_prefixes(codes: Sequence[str]) -> list[str]:
    """Region codes → the code prefixes of their subtrees (1400 00 → '14', 1407 00 → '1407')."""
    out = []
    for code in codes:
        code = code.strip()
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"行政区划代码应为6位数字: {code!r}")
        out.append(code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code)
    return out


# ============================================================================================
# The pure generator
# ============================================================================================


@dataclass
class ProducerSpec:
    index: int
    kind: str
    uscc: str | None
    id_number: str | None
    name: str
    county: County
    town: str
    village: str
    address: str
    legal_rep: str
    phone: str
    categories: list[str]
    focus: Focus | None
    tier: int
    token: str
    rng: random.Random = field(repr=False)
    profile: str = ""  # demo only: the outcome the facts are built for

    @property
    def region_code(self) -> str:
        return self.county.code


@dataclass
class FactBundle:
    inspections: list[dict] = field(default_factory=list)
    samplings: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    certifications: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    blacklist: list[dict] = field(default_factory=list)

    KINDS = ("inspections", "samplings", "certificates", "certifications", "cases", "blacklist")

    def count(self) -> int:
        return sum(len(getattr(self, k)) for k in self.KINDS)


class NumberBook:
    """Counters for human-style serial numbers (案号、决定文号、证书编号).

    Numbers are handed out in producer order, so a rerun with the same seed reproduces them.
    ``taken`` holds numbers already in the database: a new record skips past them (so a run
    with another seed into the same database stays unique), while ``check=False`` replays
    the numbers of producers that already exist without consulting it.
    """

    def __init__(self, taken: set[str] | None = None):
        self.counters: dict[str, int] = {}
        self.taken = taken if taken is not None else set()

    def next(self, key: str, fmt: Callable[[int], str], check: bool = True) -> str:
        n = self.counters.get(key, 0)
        while True:
            n += 1
            number = fmt(n)
            if not check or number not in self.taken:
                break
        self.counters[key] = n
        if check:
            self.taken.add(number)
        return number


_ID_BIRTH_FIRST = date(1955, 1, 1)
_ID_BIRTH_DAYS = (date(1995, 12, 31) - _ID_BIRTH_FIRST).days + 1
_USCC_BODY_SPACE = 31**6
_TOKEN_SPACE = 10**9


class SyntheticWorld:
    """Producer ``i`` and its facts as a pure function of (seed, salt, i) and a few settings."""

    def __init__(
        self,
        seed: int,
        counties: Sequence[County],
        as_of: date = REFERENCE_DATE,
        facts_per_producer: float = 20,
        salt: str = "generate",
    ):
        if not counties:
            raise ValueError(
                "没有可用的县级行政区划 / no county-level regions to place producers in"
            )
        self.seed, self.salt, self.as_of = seed, salt, as_of
        self.counties = list(counties)
        self._county_cum = list(itertools.accumulate(c.weight for c in self.counties))
        self.facts_per_producer = facts_per_producer
        self._base = _derive(seed, salt) << 40
        self.uscc_perm = AffinePermutation(_USCC_BODY_SPACE, _derive(seed, salt + "/uscc"))
        self.id_perm = AffinePermutation(_ID_BIRTH_DAYS * 500, _derive(seed, salt + "/id"))
        self.token_perm = AffinePermutation(_TOKEN_SPACE, _derive(seed, salt + "/token"))
        self.start = as_of - relativedelta(months=SPAN_MONTHS) + timedelta(days=1)
        self.span_days = (as_of - self.start).days + 1
        self._foci_by_province: dict[str, tuple[list[Focus], list[float]]] = {}
        try:
            from django.utils import timezone

            self.tz = timezone.get_default_timezone()
        except Exception:  # noqa: BLE001 - settings-free use
            from zoneinfo import ZoneInfo

            self.tz = ZoneInfo("Asia/Shanghai")

    @property
    def capacity(self) -> int:
        return min(_ID_BIRTH_DAYS * 500, _USCC_BODY_SPACE, _TOKEN_SPACE)

    # -- identifiers -------------------------------------------------------------------------

    def uscc(self, i: int, prefix2: str, county: County) -> str:
        p = self.uscc_perm(i)
        # Pre-2015 organisation codes are 8 digits + check; newer bodies start with "MA".
        # An all-digit USCC could also pass as an ID number when positions 7-8 read "19"/"20".
        if p < 10**8 and county.code[4:6] not in ("18", "19", "20"):
            first8 = f"{p:08d}"
        else:
            first8 = "MA" + _base31(p, 6)
        return make_uscc(prefix2, county.code, first8 + org_code_check(first8))

    def id_number(self, i: int, county: County, male: bool) -> str:
        p = self.id_perm(i)
        day, half = divmod(p, 500)
        seq = half * 2 + (1 if male else 0)  # GB 11643: odd sequence = male
        return make_id_number(county.code, _ID_BIRTH_FIRST + timedelta(days=day), f"{seq:03d}")

    # -- producers ---------------------------------------------------------------------------

    def _foci(self, province: str) -> tuple[list[Focus], list[float]]:
        cached = self._foci_by_province.get(province)
        if cached is None:
            foci = [f for f in FOCI if f.provinces is None or province in f.provinces]
            cached = (foci, list(itertools.accumulate(f.weight for f in foci)))
            self._foci_by_province[province] = cached
        return cached

    def rng_for(self, i: int) -> random.Random:
        return random.Random(self._base + i)

    def producer(
        self, i: int, county: County | None = None, kind: str | None = None
    ) -> ProducerSpec:
        rng = self.rng_for(i)
        if county is None:
            county = _pick_cum(rng, self.counties, self._county_cum)
        else:
            rng.random()  # keep the draw sequence aligned with the random-county case
        k = _pick_cum(rng, KIND_SHARES, _KIND_CUM)[0]
        kind = kind or k
        foci, cum = self._foci(county.province_code)
        focus = _pick_cum(rng, foci, cum)
        tier = bisect.bisect_right(_TIER_CUM, rng.random() * _TIER_CUM[-1])
        town, village = town_name(rng), village_name(rng)
        male = rng.random() < 0.78
        person = person_name(rng, male)
        county_prefix = county.qualified if rng.random() < 0.25 else county.name
        uscc = id_number = None
        categories = list(focus.categories)

        if kind == "enterprise":
            suffix = rng.choices(
                ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司"), (70, 20, 6, 4)
            )[0]
            prefix = county.city if rng.random() < 0.12 else county.name
            name = f"{prefix}{brand(rng)}{rng.choice(focus.biz)}{suffix}"
            legal_rep = person_name(rng, rng.random() < 0.85)
            uscc = self.uscc(i, "91", county)
        elif kind == "cooperative":
            if rng.random() < 0.08:  # village / township collective economic organisations
                if rng.random() < 0.8:
                    name = f"{county.name}{town}{village}股份经济合作社"
                    uscc = self.uscc(i, "N2", county)
                else:
                    name = f"{county.name}{town}经济联合总社"
                    uscc = self.uscc(i, "N3", county)
            else:
                head = brand(rng) if rng.random() < 0.7 else village
                tail = "农民专业合作社" if rng.random() < 0.3 else "专业合作社"
                name = f"{county.name}{head}{focus.word}{focus.activity}{tail}"
                uscc = self.uscc(i, "93", county)
            legal_rep = person_name(rng, rng.random() < 0.85)
        elif kind == "family_farm":
            name = f"{county_prefix}{person}家庭农场"
            legal_rep = person
            if rng.random() < 0.5:
                uscc = self.uscc(i, "92", county)
            else:
                id_number = self.id_number(i, county, male)
        elif kind == "grower":
            name = legal_rep = person
            id_number = self.id_number(i, county, male)
        else:  # input_dealer
            legal_rep = person
            categories = ["other"]
            focus = None
            if rng.random() < 0.15:
                name = f"{county.name}{brand(rng)}农资有限公司"
                uscc = self.uscc(i, "91", county)
            else:
                shop = rng.choices(
                    (
                        "农资经营部",
                        "农资门市部",
                        "农资商店",
                        "种子农药经营部",
                        "化肥农药经销部",
                        "农资超市",
                    ),
                    (35, 20, 15, 10, 10, 10),
                )[0]
                head = town + (brand(rng) if rng.random() < 0.6 else person)
                name = f"{county.name}{head}{shop}"
                uscc = self.uscc(i, "92", county)

        if kind in ("grower", "family_farm") or rng.random() < 0.5:
            address = f"{county.province}{county.city if county.city != county.province else ''}{county.name}{town}{village}{rng.randint(1, 12)}组"
        else:
            address = f"{county.province}{county.city if county.city != county.province else ''}{county.name}{town}{village}{rng.randint(1, 300)}号"
        return ProducerSpec(
            index=i,
            kind=kind,
            uscc=uscc,
            id_number=id_number,
            name=name,
            county=county,
            town=town,
            village=village,
            address=address,
            legal_rep=legal_rep,
            phone=mobile(rng),
            categories=categories,
            focus=focus,
            tier=tier,
            token=f"{self.token_perm(i):09d}",
            rng=rng,
        )

    # -- facts -------------------------------------------------------------------------------

    def _day(self, rng: random.Random, lo: int = 0, hi: int | None = None) -> date:
        """A day `lo`..`hi` days before as_of, half uniform, half skewed to recent days."""
        hi = self.span_days - 1 if hi is None else hi
        if rng.random() < 0.5:
            back = rng.randint(lo, hi)
        else:
            back = int(rng.triangular(lo, hi + 1, lo))
            back = min(back, hi)
        return self.as_of - timedelta(days=back)

    def _recorded(self, rng: random.Random, day: date) -> datetime:
        """When the fact was keyed in: a few days after it happened, never after as_of."""
        day = day + timedelta(days=rng.randrange(6))
        hour = 8 + rng.randrange(10)
        if day >= self.as_of:
            day, hour = self.as_of, 8
        return datetime.combine(day, dtime(hour, rng.randrange(60)), tzinfo=self.tz)

    def _product(self, rng: random.Random, spec: ProducerSpec) -> tuple[str, str]:
        focus = spec.focus
        if focus is not None and focus.products and rng.random() < 0.8:
            product = rng.choice(focus.products)
            return product, _PRODUCT_CATEGORY.get(product, focus.categories[0])
        category = rng.choice(spec.categories)
        return rng.choice(PRODUCTS[category]), category

    def _agency(self, spec: ProducerSpec, rng: random.Random) -> str:
        c = spec.county
        return rng.choices(
            (
                f"{c.name}农业农村局",
                f"{c.name}农业综合行政执法大队",
                f"{c.name}农产品质量安全监管站",
                f"{c.name}{spec.town}农业综合服务站",
            ),
            (30, 30, 25, 15),
        )[0]

    def _lab(self, spec: ProducerSpec, rng: random.Random) -> str:
        c = spec.county
        city_short = c.city.removesuffix("市") if len(c.city) <= 4 else c.province
        return rng.choices(
            (
                f"{c.city}农产品质量安全检验检测中心",
                f"{c.province}农产品质量安全检测中心",
                f"{c.name}农产品质量安全检测站",
                f"农业农村部农产品质量安全监督检验测试中心（{city_short}）",
            ),
            (40, 25, 25, 10),
        )[0]

    def facts(
        self, spec: ProducerSpec, book: NumberBook, check: bool = True, plan: dict | None = None
    ) -> FactBundle:
        """The producer's facts. Must be called once per producer, in index order.

        ``plan`` (demo only) fixes the checks instead of drawing them: a dict with
        ``inspections`` [(records_ok, certificate_ok), ...], ``samplings`` [result, ...],
        ``certificates`` n, ``certify`` n, ``case`` severity or None, ``blacklist`` bool,
        ``criminal`` bool, ``lo``/``hi`` the day range (days before as_of).
        """
        rng = spec.rng
        out = FactBundle()
        tier = TIERS[spec.tier]
        dealer = spec.kind == "input_dealer"
        if plan is None:
            if rng.random() < _NO_FACTS_SHARE:
                n = 0
            else:
                n = round(
                    self.facts_per_producer
                    * _KIND_FACTS[spec.kind]
                    / _MEAN_FACT_WEIGHT
                    * rng.uniform(0.25, 1.75)
                )
            if dealer:
                n_insp, n_samp = n, 0
            else:
                n_insp = min(round(n * rng.uniform(0.15, 0.35)), n)
                n_samp = min(round(n * rng.uniform(0.08, 0.22)), n - n_insp)
            n_cert = n - n_insp - n_samp
            checks = None
            results = None
            lo, hi = 0, self.span_days - 1
        else:
            checks = plan.get("inspections", [])
            results = [] if dealer else plan.get("samplings", [])
            n_insp, n_samp = len(checks), len(results)
            n_cert = 0 if dealer else plan.get("certificates", 0)
            lo, hi = plan.get("lo", 0), plan.get("hi", self.span_days - 1)

        # Inspections: one per day per agency (their natural key), so draw distinct days.
        days: set[date] = set()
        false_cert_day = None
        for k in range(n_insp):
            day = self._day(rng, lo, hi)
            while day in days:
                day = self._day(rng, lo, hi)
            days.add(day)
            if checks is None:
                rec = None if rng.random() < 0.10 else rng.random() >= tier[1]
                cert = None if (dealer or rng.random() < 0.10) else rng.random() >= tier[2]
                inputs = None if rng.random() < 0.10 else rng.random() >= tier[3]
                false_cert = cert is False and rng.random() < 0.05
            else:
                rec, cert = checks[k][0], checks[k][1]
                inputs = True
                false_cert = len(checks[k]) > 2 and checks[k][2]
            notes = []
            if rec is False:
                notes.append(
                    rng.choice(
                        (
                            "生产记录不完整",
                            "未建立农产品生产记录",
                            "投入品使用记录缺失",
                            "进销货台账不全",
                        )
                        if not dealer
                        else ("进销货台账不全", "未按规定建立购销台账")
                    )
                )
            if cert is False:
                notes.append(
                    "开具虚假承诺达标合格证"
                    if false_cert
                    else rng.choice(
                        (
                            "未按规定开具承诺达标合格证",
                            "合格证信息填写不全",
                            "合格证开具数量与销售批次不符",
                        )
                    )
                )
            if inputs is False:
                notes.append(
                    rng.choice(
                        ("发现过期农药", "未严格执行安全间隔期", "发现标签不规范的投入品")
                        if not dealer
                        else ("销售标签不规范的农药", "未按规定设置限制使用农药专柜")
                    )
                )
            if notes:
                notes.append("已责令限期整改")
            elif rng.random() < 0.3:
                notes.append("检查未发现问题")
            out.inspections.append(
                {
                    "date": day,
                    "agency": self._agency(spec, rng),
                    "records_ok": rec,
                    "certificate_ok": cert,
                    "inputs_ok": inputs,
                    "false_certificate": bool(false_cert),
                    "notes": "，".join(notes),
                    "recorded_at": self._recorded(rng, day),
                }
            )
            if false_cert and false_cert_day is None:
                false_cert_day = day

        # Samplings.
        worst = None  # (day, result, product, items)
        for k in range(n_samp):
            day = self._day(rng, lo, hi)
            product, category = self._product(rng, spec)
            if results is None:
                if rng.random() < tier[4]:
                    result = "prohibited" if rng.random() < PROHIBITED_SHARE else "over_limit"
                else:
                    result = "pass"
            else:
                result = results[k]
            over, banned = FAILED_ITEMS[category]
            if result == "over_limit":
                items = "、".join(rng.sample(over, 2 if rng.random() < 0.15 else 1))
                if items.split("、")[0] in CONTAMINANT_STANDARDS:
                    items = items.split("、")[0]
            elif result == "prohibited":
                items = rng.choice(banned)
            else:
                items = ""
            plan_kind = rng.choices(("routine", "supervision", "special"), (55, 35, 10))[0]
            code = f"{_PLAN_CODES[plan_kind]}{day:%y}{spec.county.code}{spec.token}{k:02d}"
            out.samplings.append(
                {
                    "sample_code": code,
                    "date": day,
                    "product": product,
                    "category": category,
                    "result": result,
                    "failed_items": items,
                    "lab": self._lab(spec, rng),
                    "plan": plan_kind,
                    "recorded_at": self._recorded(rng, day),
                }
            )
            if result != "pass" and (
                worst is None or (result == "prohibited" and worst[1] != "prohibited")
            ):
                worst = (day, result, product, items, category)

        # Compliance certificates (承诺达标合格证), one per batch sold.
        for k in range(n_cert):
            day = self._day(rng, lo, hi)
            product, category = self._product(rng, spec)
            unit = rng.choice(UNITS[category])
            if unit in ("头", "只"):
                live = LIVE_ANIMALS.get(product)
                if live:
                    product = live
                else:
                    unit = "公斤"
            if unit == "头":
                qty = Decimal(rng.randint(1, 60))
            elif unit == "只":
                qty = Decimal(rng.randint(50, 3000))
            elif unit == "箱":
                qty = Decimal(rng.randint(5, 400))
            elif unit == "吨":
                qty = Decimal(rng.randint(5, 3000)) / 10
            else:
                qty = Decimal(rng.randint(20, 50000)) / 10
            out.certificates.append(
                {
                    "code": f"{spec.county.code}{day:%y%m%d}{spec.token}{k:03d}",
                    "product": product,
                    "quantity": qty,
                    "unit": unit,
                    "origin": f"{spec.county.province}{spec.county.city if spec.county.city != spec.county.province else ''}{spec.county.name}{spec.town}",
                    "issue_date": day,
                    "trace_code": ""
                    if rng.random() < 0.3
                    else f"{spec.token}{k:03d}{rng.randrange(10**6):06d}",
                    "recorded_at": self._recorded(rng, day),
                }
            )

        # Certifications (三品一标 / 名特优新).
        if plan is None:
            n_certify = 0
            if spec.focus is not None and rng.random() < CERTIFIED_SHARE[spec.kind]:
                n_certify = 2 if rng.random() < 0.12 else 1
        else:
            n_certify = plan.get("certify", 0)
        for _ in range(n_certify):
            self._certification(spec, rng, book, check, out, plan)

        # Enforcement cases and the blacklist follow from what was found.
        severity = criminal = None
        case_day = None
        if plan is None:
            if worst is not None and worst[1] == "prohibited" and rng.random() < 0.65:
                severity = "serious"
                criminal = rng.random() < 0.15
            elif worst is not None and rng.random() < 0.13:
                severity = "general" if rng.random() < 0.85 else "minor"
            elif false_cert_day is not None and rng.random() < 0.4:
                severity = "general"
            elif rng.random() < 0.001 + 0.003 * spec.tier:
                severity = rng.choice(("minor", "general", "general"))
        else:
            severity, criminal = plan.get("case"), plan.get("criminal", False)
        if severity:
            case_day = self._case(
                spec, rng, book, check, out, severity, bool(criminal), worst, false_cert_day, lo, hi
            )
        blacklist = (
            plan.get("blacklist", False)
            if plan is not None
            else case_day is not None and severity == "serious" and (criminal or rng.random() < 0.5)
        )
        if blacklist and case_day is not None:
            self._blacklist(spec, rng, book, check, out, case_day, worst)
        return out

    def _after(self, rng: random.Random, day: date, lo: int, hi: int) -> date:
        """A day lo..hi days after `day`; if that passes as_of, a day between the two."""
        later = day + timedelta(days=rng.randint(lo, hi))
        if later > self.as_of:
            later = day + timedelta(days=rng.randint(0, max(0, (self.as_of - day).days)))
        return later

    def _certification(self, spec, rng, book, check, out, plan):
        kind = rng.choices(("green", "organic", "gi", "mtyx"), (45, 15, 20, 20))[0]
        if plan is None:
            # Spread a little wider than other facts so a few have already expired.
            valid_from = self.as_of - timedelta(days=rng.randrange(self.span_days + 300))
        else:
            valid_from = self.as_of - timedelta(
                days=rng.randint(plan.get("certify_lo", 30), plan.get("certify_hi", 600))
            )
        valid_to = valid_from + relativedelta(years=3) - timedelta(days=1)
        product, category = self._product(rng, spec)
        product = {"猪肝": "猪肉", "鸡肝": "鸡肉"}.get(product, product)
        prov = spec.county.province_code
        if kind == "green":
            cat2 = {
                "vegetables": "01",
                "fruit": "02",
                "grain": "03",
                "tea": "04",
                "livestock": "05",
                "poultry": "05",
                "eggs": "06",
                "aquatic": "07",
                "edible_fungi": "08",
            }.get(category, "09")
            key = f"LB{valid_from:%y%m}{prov}"
            number = book.next(key, lambda n: f"LB-{cat2}-{valid_from:%y%m}{prov}{n:04d}A", check)
        elif kind == "organic":
            body = rng.randint(1, 160)
            number = book.next(
                f"OP{valid_from:%y}", lambda n: f"{body:03d}OP{valid_from:%y}{n:06d}", check
            )
        elif kind == "gi":
            number = book.next("AGI", lambda n: f"AGI{n:05d}", check)
            product = spec.county.short + product
        else:
            number = book.next(
                f"MTYX{valid_from:%Y}", lambda n: f"CAQS-MTYX-{valid_from:%Y}{n:04d}", check
            )
            product = spec.county.short + product
        out.certifications.append(
            {
                "number": number,
                "type": kind,
                "product": product,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "recorded_at": self._recorded(rng, valid_from),
            }
        )

    def _case(self, spec, rng, book, check, out, severity, criminal, worst, false_cert_day, lo, hi):
        if worst is not None:
            first = worst[0]
        elif false_cert_day is not None:
            first = false_cert_day
        else:
            first = self._day(rng, lo, hi)
        day = self._after(rng, first, 20, 90)
        agency = f"{spec.county.name}农业农村局"
        number = book.next(
            f"{spec.county.short}农罚{day.year}",
            lambda n: f"{spec.county.short}农罚〔{day.year}〕{n}号",
            check,
        )
        fine = None
        if worst is not None and worst[1] == "prohibited":
            vet = worst[4] in VET_CATEGORIES
            facts = (
                f"经{'监督抽查' if rng.random() < 0.6 else '例行监测'}，当事人销售的{worst[2]}中检出"
                f"{'禁用药品及其他化合物' if vet else '禁用农药'}{worst[3]}。"
            )
            basis = f"{LAW}第七十条"
            fine = Decimal(rng.randrange(100, 1500) * 100)
            penalty = f"没收违法所得{rng.randrange(5, 200) * 100}元，并处罚款{fine}元"
        elif worst is not None:
            first_item = worst[3].split("、")[0]
            std = CONTAMINANT_STANDARDS.get(first_item)
            if std:
                facts = f"当事人销售的{worst[2]}中{worst[3]}含量超过食品安全国家标准（{std}）规定的限量。"
            else:
                std = "GB 31650" if worst[4] in VET_CATEGORIES else "GB 2763"
                facts = f"当事人销售的{worst[2]}中{worst[3]}残留量超过食品安全国家标准（{std}）规定的最大残留限量。"
            basis = f"{LAW}第七十一条"
            fine = Decimal(rng.randrange(20, 300) * 100)
            penalty = f"没收违法所得{rng.randrange(1, 60) * 100}元，并处罚款{fine}元"
        elif false_cert_day is not None:
            facts = "当事人开具虚假承诺达标合格证。"
            basis = f"{LAW}第七十三条"
            fine = Decimal(rng.randrange(2, 20) * 100)
            penalty = f"罚款{fine}元"
        else:
            facts = "当事人未按照规定建立、保存农产品生产记录，经责令限期改正逾期不改正。"
            basis = f"{LAW}第六十九条"
            if severity != "minor":
                fine = Decimal(rng.randrange(2, 20) * 100)
            penalty = f"罚款{fine}元" if fine else "警告"
        if severity == "minor":
            fine, penalty = None, "警告，责令改正"
        if severity == "serious" and fine is not None and fine < 50000:
            fine = fine * 5
            penalty = f"没收违法所得，并处罚款{fine}元"
        if criminal:
            penalty += "；涉嫌犯罪，依法移送公安机关"
        out.cases.append(
            {
                "case_number": number,
                "decision_date": day,
                "agency": agency,
                "severity": severity,
                "criminal_transfer": criminal,
                "legal_basis": basis,
                "facts": facts,
                "penalty": penalty,
                "fine_amount": fine,
                "recorded_at": self._recorded(rng, day),
            }
        )
        return day

    def _blacklist(self, spec, rng, book, check, out, case_day, worst):
        start = self._after(rng, case_day, 15, 60)
        number = book.next(
            f"{spec.county.short}农黑{start.year}",
            lambda n: f"{spec.county.short}农黑〔{start.year}〕{n}号",
            check,
        )
        what = f"{worst[2]}检出{worst[3]}" if worst is not None else "严重违法行为"
        basis = (
            f"{LAW}、《山西省农产品质量安全“黑名单”管理暂行办法》"
            if spec.county.province_code == "14"
            else f"{LAW}及{spec.county.province}农产品质量安全信用管理有关规定"
        )
        out.blacklist.append(
            {
                "decision_number": number,
                "start_date": start,
                "end_date": start + relativedelta(years=3) - timedelta(days=1),
                "reason": f"生产经营的农产品{what}，受到严重行政处罚，列入农产品质量安全黑名单。",
                "legal_basis": basis,
                "recorded_at": self._recorded(rng, start),
            }
        )


# ============================================================================================
# Writing to the database
# ============================================================================================


@dataclass
class GenerateStats:
    requested: int = 0
    producers_created: int = 0
    producers_skipped: int = 0
    facts: dict = field(default_factory=lambda: dict.fromkeys(FactBundle.KINDS, 0))
    seconds: float = 0.0
    producer_ids: list = field(default_factory=list, repr=False)

    @property
    def facts_created(self) -> int:
        return sum(self.facts.values())

    @property
    def rows(self) -> int:
        return self.producers_created + self.facts_created


def _fact_models():
    from credit import models as m

    return {
        "inspections": m.Inspection,
        "samplings": m.Sampling,
        "certificates": m.Certificate,
        "certifications": m.Certification,
        "cases": m.EnforcementCase,
        "blacklist": m.BlacklistEntry,
    }


def load_counties(region_codes: Sequence[str] = ()) -> list[County]:
    """County-level regions from the Region table (optionally under the given codes)."""
    from credit.models import Region

    prefixes = region_prefixes(region_codes) if region_codes else ()
    rows = list(Region.objects.only("code", "name", "level", "parent_id"))
    return counties_from_rows(rows, prefixes)


class _BulkLoad:
    """Settings for a bulk load: on SQLite no fsync per commit and a bigger page cache; and no
    DEBUG query log (with DEBUG=True Django would format every INSERT's SQL, ~25 % slower).

    Django's own INSERT size (999 variables on SQLite) is kept: bigger statements measured
    slower, not faster.
    """

    def __init__(self, connection):
        self.connection, self.saved, self.debug = connection, None, None

    def __enter__(self):
        from django.test.utils import override_settings

        self.debug = override_settings(DEBUG=False)
        self.debug.enable()
        # SQLite refuses to change the safety level inside a transaction (e.g. under a test).
        if self.connection.vendor != "sqlite" or self.connection.in_atomic_block:
            return self
        self.connection.ensure_connection()
        with self.connection.cursor() as cur:
            cur.execute("PRAGMA synchronous")
            sync = cur.fetchone()[0]
            cur.execute("PRAGMA cache_size")
            cache = cur.fetchone()[0]
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA temp_store=MEMORY")
        self.saved = (sync, cache)
        return self

    def __exit__(self, *exc):
        self.debug.disable()
        if self.saved is not None and self.connection.connection is not None:
            sync, cache = self.saved
            with self.connection.cursor() as cur:
                cur.execute(f"PRAGMA synchronous={int(sync)}")
                cur.execute(f"PRAGMA cache_size={int(cache)}")
        return False


def _existing_keys(model, field_name: str, values: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        out.update(
            model.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True)
        )
    return out


def _taken_numbers() -> set[str]:
    from credit.models import BlacklistEntry, Certification, EnforcementCase

    taken: set[str] = set()
    taken.update(
        EnforcementCase.objects.values_list("case_number", flat=True).iterator(chunk_size=20000)
    )
    taken.update(
        BlacklistEntry.objects.values_list("decision_number", flat=True).iterator(chunk_size=20000)
    )
    taken.update(Certification.objects.values_list("number", flat=True).iterator(chunk_size=20000))
    return taken


def _producer_row(spec: ProducerSpec):
    from credit.models import Producer

    return Producer(
        uscc=spec.uscc,
        id_number=spec.id_number,
        name=spec.name,
        kind=spec.kind,
        region_id=spec.county.code,
        address=spec.address,
        legal_rep=spec.legal_rep,
        phone=spec.phone,
        categories=spec.categories,
    )


class _Writer:
    """Buffers fact rows and bulk-inserts them in slices, so memory stays flat."""

    def __init__(self, stats: GenerateStats, source: str, flush_at: int = 10000, batch: int = 5000):
        self.models = _fact_models()
        self.buffers = {k: [] for k in self.models}
        self.stats, self.source, self.flush_at, self.batch = stats, source, flush_at, batch
        self.pending = 0

    def add(self, producer_id: int, bundle: FactBundle) -> None:
        for kind, model in self.models.items():
            rows = getattr(bundle, kind)
            if rows:
                buf = self.buffers[kind]
                for row in rows:
                    buf.append(model(producer_id=producer_id, source=self.source, **row))
                self.pending += len(rows)
        if self.pending >= self.flush_at:
            self.flush()

    def flush(self) -> None:
        from django.db import reset_queries

        for kind, rows in self.buffers.items():
            if rows:
                self.models[kind].objects.bulk_create(rows, batch_size=self.batch)
                self.stats.facts[kind] += len(rows)
                rows.clear()
        self.pending = 0
        reset_queries()  # DEBUG=True would otherwise keep every INSERT's SQL


def _write_batch(
    world: SyntheticWorld,
    specs: list[ProducerSpec],
    book: NumberBook | None,
    stats: GenerateStats,
    source: str,
    batch_size: int,
    plans: dict | None = None,
    keep_ids: bool = False,
) -> None:
    from django.db import transaction

    from credit.models import Producer

    usccs = [s.uscc for s in specs if s.uscc]
    ids = [s.id_number for s in specs if s.id_number]
    have_uscc = _existing_keys(Producer, "uscc", usccs) if usccs else set()
    have_id = _existing_keys(Producer, "id_number", ids) if ids else set()
    new = [s for s in specs if not (s.uscc in have_uscc or s.id_number in have_id)]
    stats.producers_skipped += len(specs) - len(new)
    with transaction.atomic():
        created = Producer.objects.bulk_create(
            [_producer_row(s) for s in new], batch_size=batch_size
        )
        pk = {s.index: obj.pk for s, obj in zip(new, created, strict=True)}
        if any(v is None for v in pk.values()):  # a backend that cannot return pks
            found = dict(
                Producer.objects.filter(uscc__in=[s.uscc for s in new if s.uscc]).values_list(
                    "uscc", "pk"
                )
            )
            found.update(
                Producer.objects.filter(
                    id_number__in=[s.id_number for s in new if s.id_number]
                ).values_list("id_number", "pk")
            )
            pk = {s.index: found[s.uscc or s.id_number] for s in new}
        stats.producers_created += len(new)
        if keep_ids:
            stats.producer_ids.extend(pk[s.index] for s in new)
        if book is not None:
            writer = _Writer(stats, source, batch=batch_size)
            for s in specs:
                is_new = s.index in pk
                bundle = world.facts(s, book, check=is_new, plan=(plans or {}).get(s.index))
                if is_new:
                    writer.add(pk[s.index], bundle)
            writer.flush()


def generate(
    *,
    producers: int,
    seed: int,
    as_of: date = REFERENCE_DATE,
    regions: Sequence[str] = (),
    facts_per_producer: float = 20,
    batch: int = 5000,
    with_facts: bool = True,
    progress: Callable[[int], None] | None = None,
    counties: Sequence[County] | None = None,
) -> GenerateStats:
    """Create ``producers`` synthetic producers (and their facts) deterministically.

    Producers whose USCC or ID number already exists are skipped together with their facts,
    so running twice with the same seed adds nothing, and a larger ``producers`` extends an
    earlier run. Facts are only created for producers created by this run.
    """
    from django.db import connection, reset_queries

    if producers < 0 or batch < 1:
        raise ValueError("producers must be ≥ 0 and batch ≥ 1")
    counties = list(counties) if counties is not None else load_counties(regions)
    world = SyntheticWorld(seed, counties, as_of=as_of, facts_per_producer=facts_per_producer)
    if producers > world.capacity:
        raise ValueError(f"at most {world.capacity} producers per seed")
    stats = GenerateStats(requested=producers)
    began = time.monotonic()
    book = NumberBook(_taken_numbers()) if with_facts else None
    with _BulkLoad(connection):
        for start in range(0, producers, batch):
            specs = [world.producer(i) for i in range(start, min(start + batch, producers))]
            _write_batch(world, specs, book, stats, SOURCE, batch)
            reset_queries()
            if progress:
                progress(len(specs))
    stats.seconds = time.monotonic() - began
    _audit_run("generate_data", seed, stats, as_of)
    return stats


def _audit_run(what: str, seed: int, stats: GenerateStats, as_of: date) -> None:
    """One audit event per run (facts inserted in bulk bypass the per-fact signal)."""
    if not stats.producers_created:
        return
    from credit.services.audit import Event, record

    record(
        Event(
            "synthetic.generated",
            "dataset",
            f"{what}:{seed}",
            actor="system",
            reason=f"{what} seed={seed} as_of={as_of.isoformat()}",
            data={
                "producers": stats.producers_created,
                "skipped": stats.producers_skipped,
                "facts": dict(stats.facts),
            },
        )
    )


# ============================================================================================
# The demo data set
# ============================================================================================

# Counties the demo concentrates on (codes as in credit/data/regions.csv), by area.
DEMO_AREAS = (
    ("长春", ("220122", "220182", "220183", "220184", "220112", "220113"), 0.34),
    ("晋中", ("140703", "140702", "140728", "140727", "140781", "140724"), 0.28),
    ("上饶", ("361103", "361130", "361123", "361124", "361127", "361104"), 0.26),
    ("贵州", ("520328", "520327", "522701", "520382"), 0.12),
)
DEMO_REGIONS = ("220100", "140700", "361100", "520000")

# Outcome profiles and how many of every 25 demo producers get each.
DEMO_PROFILES = (
    ("A", 8),
    ("A_certified", 3),
    ("B", 4),
    ("B_recent_fail", 1),
    ("C", 2),
    ("C_case", 1),
    ("D_score", 1),
    ("D_prohibited", 1),
    ("D_blacklist", 1),
    ("U_new", 2),
    ("U_old", 1),
)
# Profiles that must appear at least once whatever the count (in this order of priority).
_DEMO_ESSENTIAL = (
    "A_certified",
    "B",
    "C",
    "D_prohibited",
    "D_blacklist",
    "U_new",
    "B_recent_fail",
    "D_score",
    "C_case",
    "A",
    "U_old",
)


def _demo_plan(profile: str, rng: random.Random) -> dict:
    """Facts for a profile, built so the v1 policy lands on the intended grade."""
    ok = (True, True)
    recent = {"lo": 5, "hi": 640}  # inside the 24-month window
    if profile in ("A", "A_certified"):
        n = rng.randint(3, 6)
        plan = {
            "inspections": [ok] * n,
            "samplings": ["pass"] * rng.randint(2, 4),
            "certificates": rng.randint(4, 14),
            **recent,
        }
        if profile == "A_certified":
            plan["certify"] = 2 if rng.random() < 0.3 else 1
        return plan
    if profile == "B":  # records 3/4, certificate 3/4, sampling 100 → 85
        return {
            "inspections": [ok, ok, (False, True), (True, False)],
            "samplings": ["pass"] * 3,
            "certificates": rng.randint(3, 10),
            "certify": 1 if rng.random() < 0.3 else 0,
            **recent,
        }
    if profile == "B_recent_fail":  # records 100, certificate 100, sampling 3/4 → 90 − 10 case → 80
        return {
            "inspections": [ok] * 3,
            "samplings": ["pass", "pass", "pass", "over_limit"],
            "certificates": rng.randint(3, 10),
            "case": "general",
            "lo": 0,
            "hi": 120,
        }
    if profile == "C":  # records 3/4, certificate 2/4, sampling 3/4 → 67.5
        return {
            "inspections": [ok, (True, False), (False, True), (True, False)],
            "samplings": ["pass", "pass", "pass", "over_limit"],
            "certificates": rng.randint(2, 8),
            **recent,
        }
    if profile == "C_case":  # 100 / 75 / 75 → 82.5 − 10 → 72.5
        return {
            "inspections": [ok, ok, ok, (True, False)],
            "samplings": ["pass", "pass", "pass", "over_limit"],
            "certificates": rng.randint(2, 6),
            "case": "general",
            "lo": 0,
            "hi": 200,
        }
    if profile == "D_score":  # 25 / 25 / 50 → 35, plus a false certificate finding
        return {
            "inspections": [ok, (False, False), (False, False, True), (False, False)],
            "samplings": ["pass", "over_limit", "pass", "over_limit"],
            "certificates": rng.randint(1, 5),
            **recent,
        }
    if profile == "D_prohibited":  # hard rule: prohibited substance in the window
        return {
            "inspections": [ok, ok, (False, True)],
            "samplings": ["pass", "prohibited"],
            "certificates": rng.randint(2, 6),
            "case": "serious",
            "criminal": rng.random() < 0.3,
            "lo": 20,
            "hi": 150,
        }
    if profile == "D_blacklist":  # hard rule: on the blacklist
        return {
            "inspections": [ok, (False, False)],
            "samplings": ["pass", "prohibited"],
            "certificates": rng.randint(1, 4),
            "case": "serious",
            "blacklist": True,
            "lo": 120,
            "hi": 400,
        }
    if profile == "U_new":  # registered, nothing checked yet
        return {"certificates": rng.randint(0, 3), "lo": 0, "hi": 60}
    if profile == "U_old":  # only facts older than the 24-month window
        return {
            "inspections": [ok, ok],
            "samplings": ["pass"],
            "certificates": 2,
            "lo": 760,
            "hi": 880,
        }
    raise ValueError(profile)


def _demo_counties(all_counties: Sequence[County]) -> list[County]:
    by_code = {c.code: c for c in all_counties}
    chosen = []
    for _area, codes, share in DEMO_AREAS:
        present = [by_code[c] for c in codes if c in by_code]
        if not present:  # fall back to whatever counties the area has
            prefix = {"长春": "2201", "晋中": "1407", "上饶": "3611", "贵州": "52"}[_area]
            present = [c for c in all_counties if c.code.startswith(prefix)][:4]
        for k, c in enumerate(present):
            # The first county of each area (农安、太谷、广丰、湄潭) carries the most producers.
            chosen.append(
                County(
                    c.code,
                    c.name,
                    c.short,
                    c.city,
                    c.province,
                    share * (3 if k == 0 else 1) / (len(present) + 2),
                )
            )
    return chosen


def demo_profiles(seed: int, count: int) -> list[str]:
    """The outcome each demo producer is built for: the DEMO_PROFILES mix, shuffled, with
    every essential outcome present even in a small demo."""
    pattern = [p for p, n in DEMO_PROFILES for _ in range(n)]
    profiles = [pattern[i % len(pattern)] for i in range(count)]
    have = Counter(profiles)
    for p in _DEMO_ESSENTIAL:
        if have[p] or not profiles:
            continue
        common, n = have.most_common(1)[0]
        if n < 2:
            break
        profiles[profiles.index(common)] = p
        have[common] -= 1
        have[p] += 1
    random.Random(_derive(seed, "demo/profiles")).shuffle(profiles)
    return profiles


def load_demo_credit(seed: int = 2026, count: int = 200, today: date | None = None) -> list[int]:
    """Create the demo producers and their facts; return the ids of producers created.

    Idempotent: producers that exist (by USCC / ID number) are left alone with their facts,
    so a second call returns []. Grades are not computed here.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    counties = _demo_counties(load_counties(DEMO_REGIONS))
    if not counties:
        raise ValueError("演示数据需要长春、晋中、上饶、贵州的行政区划 / demo regions are missing")
    world = SyntheticWorld(seed, counties, as_of=today, salt="demo")
    profiles = demo_profiles(seed, count)
    specs, plans = [], {}
    for i, profile in enumerate(profiles):
        spec = world.producer(i)
        if profile.startswith(("A", "B", "C", "D")) and spec.kind == "input_dealer":
            # Dealers have no samplings or certificates; re-draw this one as a cooperative.
            spec = world.producer(i, county=spec.county, kind="cooperative")
        if profile == "A_certified" and spec.kind == "grower":
            spec = world.producer(i, county=spec.county, kind="enterprise")
        spec.profile = profile
        plans[i] = _demo_plan(profile, random.Random(_derive(seed, f"demo/plan/{i}")))
        specs.append(spec)
    stats = GenerateStats(requested=count)
    book = NumberBook(_taken_numbers())
    from django.db import connection

    with _BulkLoad(connection):
        _write_batch(world, specs, book, stats, DEMO_SOURCE, 1000, plans=plans, keep_ids=True)
    _audit_run("load_demo_credit", seed, stats, today)
    return stats.producer_ids
