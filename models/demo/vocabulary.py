"""Words the demo district is made of: names, places, employers, hospitals, rates and wages.

Surname weights are the shares (per ten thousand) of the most common surnames in the 2020
census, with Shandong's heavier 张/王/李/刘 share; given-name characters are common ones by
gender. Wages and rates are illustrative Shandong-like figures, not law.
"""

from __future__ import annotations

# (surname, weight per 10,000 people)
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 810),
    ("张", 790),
    ("李", 760),
    ("刘", 620),
    ("陈", 300),
    ("杨", 290),
    ("赵", 260),
    ("孙", 250),
    ("徐", 200),
    ("马", 180),
    ("高", 170),
    ("周", 160),
    ("吴", 130),
    ("朱", 120),
    ("郭", 115),
    ("胡", 100),
    ("宋", 95),
    ("田", 90),
    ("于", 90),
    ("韩", 85),
    ("孟", 75),
    ("董", 75),
    ("曹", 70),
    ("许", 65),
    ("黄", 60),
    ("林", 55),
    ("何", 55),
    ("郑", 55),
    ("梁", 50),
    ("谢", 45),
    ("唐", 45),
    ("冯", 45),
    ("邢", 40),
    ("袁", 40),
    ("邓", 40),
    ("魏", 40),
    ("程", 40),
    ("杜", 38),
    ("贾", 38),
    ("丁", 38),
    ("薛", 35),
    ("石", 35),
    ("路", 34),
    ("侯", 33),
    ("崔", 33),
    ("苏", 30),
    ("范", 30),
    ("吕", 30),
    ("姜", 30),
    ("潘", 28),
    ("蒋", 28),
    ("彭", 27),
    ("卢", 27),
    ("任", 27),
    ("尹", 25),
    ("秦", 25),
    ("牛", 25),
    ("房", 24),
    ("齐", 24),
    ("庞", 22),
    ("颜", 22),
    ("孔", 22),
    ("毕", 20),
    ("葛", 20),
    ("宁", 18),
    ("展", 15),
    ("欧阳", 4),
    ("司马", 2),
    ("诸葛", 2),
    ("上官", 1),
)

GIVEN_MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "鑫",
    "波",
    "宁",
    "健",
    "亮",
    "建",
    "国",
    "峰",
    "浩",
    "凯",
    "东",
    "林",
    "俊",
    "宇",
    "博",
    "文",
    "志",
    "海",
    "洋",
    "晨",
    "昊",
    "然",
    "轩",
    "泽",
    "一",
    "子",
    "天",
    "瑞",
    "成",
)
GIVEN_FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "雪",
    "慧",
    "颖",
    "倩",
    "红",
    "梅",
    "琳",
    "欣",
    "晶",
    "洁",
    "萍",
    "莉",
    "爽",
    "璐",
    "雨",
    "涵",
    "悦",
    "可",
    "佳",
    "思",
    "怡",
    "梓",
    "诗",
    "瑶",
    "嘉",
    "晓",
    "欣",
    "秀",
    "英",
    "兰",
    "月",
    "丹",
    "蕾",
    "妍",
)

# Jinan's districts and counties (GB/T 2260) and a few other Shandong cities for newcomers.
JINAN_REGIONS: dict[str, str] = {
    "370102": "历下区",
    "370103": "市中区",
    "370104": "槐荫区",
    "370105": "天桥区",
    "370112": "历城区",
    "370113": "长清区",
    "370114": "章丘区",
    "370115": "济阳区",
    "370116": "莱芜区",
    "370117": "钢城区",
    "370124": "平阴县",
    "370126": "商河县",
}


def office_name(district: str) -> str:
    """The default name of the social insurance office of a Jinan district."""
    return f"济南市{JINAN_REGIONS[district]}社会保险服务中心"


OTHER_REGIONS = ("370202", "370302", "370602", "370702", "370802", "371302", "371402", "371502")

STREETS = (
    "泉城路",
    "经十路",
    "解放路",
    "文化东路",
    "历山路",
    "山大路",
    "和平路",
    "燕子山路",
    "千佛山路",
    "趵突泉北路",
    "经七路",
    "纬二路",
    "工业南路",
    "花园路",
    "二环东路",
    "舜耕路",
)
COMMUNITIES = ("花园", "小区", "家园", "新村", "佳苑", "公寓")

EMPLOYER_STEMS = (
    "泉城",
    "齐鲁",
    "华信",
    "鲁能",
    "舜华",
    "明湖",
    "趵突",
    "千佛山",
    "龙奥",
    "海岱",
    "济钢",
    "黄河",
    "浪潮",
    "银座",
    "东岳",
    "新华",
    "恒通",
    "鲁商",
    "翰林",
    "金桥",
)
EMPLOYER_KINDS = (
    ("软件有限公司", 40),
    ("商贸有限公司", 30),
    ("建筑工程有限公司", 190),
    ("物业管理有限公司", 60),
    ("餐饮管理有限公司", 40),
    ("机械制造有限公司", 120),
    ("医药有限公司", 50),
    ("物流有限公司", 110),
    ("教育咨询有限公司", 20),
    ("环保科技有限公司", 70),
)  # (kind, work-injury rate in basis points by industry risk)

HOSPITALS = (
    "山东大学齐鲁医院",
    "山东省立医院",
    "山东省千佛山医院",
    "济南市中心医院",
    "济南市第四人民医院",
    "济南市中医医院",
    "山东中医药大学附属医院",
    "济南市儿童医院",
    "济南市妇幼保健院",
    "历下区姚家街道社区卫生服务中心",
)
PHARMACIES = (
    "漱玉平民大药房",
    "宏济堂大药房",
    "建联医药连锁",
    "立健药店",
    "老百姓大药房",
    "燕喜堂医药",
)

ETHNICITIES: tuple[tuple[str, int], ...] = (("01", 9925), ("03", 55), ("11", 10), ("02", 10))
# 01 汉族, 03 回族 (Jinan has an old Hui quarter), 11 满族, 02 蒙古族 (GB 3304)

# Provincial average monthly wage (fen) by year; bases are clamped to 60 %-300 % of it.
AVERAGE_WAGE_FEN: dict[int, int] = {
    1990: 16_000,
    1995: 38_000,
    2000: 68_000,
    2005: 131_000,
    2010: 249_000,
    2015: 451_000,
    2016: 483_000,
    2017: 524_000,
    2018: 567_000,
    2019: 611_000,
    2020: 651_000,
    2021: 694_000,
    2022: 727_000,
    2023: 756_000,
    2024: 783_000,
    2025: 808_000,
    2026: 830_000,
}

# Contribution rates in basis points: (employer, personal). Work injury: employer's own rate.
RATES_BP: dict[int, tuple[int, int]] = {1: (1600, 800), 2: (800, 200), 3: (70, 30)}

# Pension personal account interest (记账利率), basis points per year; before 2016: 300.
PENSION_INTEREST_BP: dict[int, int] = {
    2016: 831,
    2017: 712,
    2018: 829,
    2019: 761,
    2020: 604,
    2021: 669,
    2022: 612,
    2023: 397,
    2024: 262,
    2025: 250,
}

RETIREE_MEDICAL_ALLOCATION_FEN = 12_000  # fixed monthly allocation from the pooled fund
MINIMUM_PENSION_FEN = 120_000  # the least monthly pension paid (a floor for short careers)
UNEMPLOYMENT_BENEFIT_FEN = 198_000  # 90 % of Jinan's minimum monthly wage (2,200 yuan)


def average_wage(year: int) -> int:
    """The average monthly wage of `year` (fen), interpolated between the known years."""
    known = sorted(AVERAGE_WAGE_FEN)
    if year <= known[0]:
        return AVERAGE_WAGE_FEN[known[0]]
    if year >= known[-1]:
        return AVERAGE_WAGE_FEN[known[-1]]
    if year in AVERAGE_WAGE_FEN:
        return AVERAGE_WAGE_FEN[year]
    before = max(y for y in known if y < year)
    after = min(y for y in known if y > year)
    low, high = AVERAGE_WAGE_FEN[before], AVERAGE_WAGE_FEN[after]
    return low + (high - low) * (year - before) // (after - before)


def pension_interest_bp(year: int) -> int:
    """The pension account interest rate credited at the end of `year`."""
    return PENSION_INTEREST_BP.get(year, 300 if year < 2016 else 250)
