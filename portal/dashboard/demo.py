"""DEMO ONLY: resident populations for the demo counties, so the dashboard can show sampling
batches per 1,000 people. The figures are rounded approximations for demonstration, NOT
official statistics; real installations enter populations in the admin (行政区划).

Only regions whose population is empty are filled, so real figures are never overwritten.
"""

# GB/T 2260 code → approximate resident population (demo, rounded).
DEMO_POPULATIONS = {
    # 吉林省长春市
    "220122": 830_000,  # 农安县
    "220182": 900_000,  # 榆树市
    "220183": 660_000,  # 德惠市
    "220184": 880_000,  # 公主岭市
    "220112": 330_000,  # 双阳区
    "220113": 600_000,  # 九台区
    # 山西省晋中市
    "140703": 300_000,  # 太谷区
    "140702": 800_000,  # 榆次区
    "140728": 450_000,  # 平遥县
    "140727": 260_000,  # 祁县
    "140781": 400_000,  # 介休市
    "140724": 200_000,  # 昔阳县
    # 江西省上饶市
    "361103": 830_000,  # 广丰区
    "361130": 330_000,  # 婺源县
    "361123": 520_000,  # 玉山县
    "361124": 360_000,  # 铅山县
    "361127": 830_000,  # 余干县
    "361104": 700_000,  # 广信区
    # 贵州省
    "520328": 380_000,  # 湄潭县
    "520327": 290_000,  # 凤冈县
    "522701": 520_000,  # 都匀市
    "520382": 650_000,  # 仁怀市
}


def load_demo_populations() -> int:
    """Fill the demo counties' empty populations; return how many were set."""
    from credit.models import Region

    updated = 0
    for region in Region.objects.filter(code__in=DEMO_POPULATIONS, population__isnull=True):
        region.population = DEMO_POPULATIONS[region.code]
        region.save(update_fields=["population"])
        updated += 1
    return updated
