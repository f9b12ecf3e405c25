"""Codes of the register in words: ethnic groups (GB 3304) and regions (GB/T 2260).

The register keeps the codes (`person.ethnicity` "01", `person.region_code` "370105"); every
document and screen prints the names, in Chinese or English (any other language gets English).
An unknown code is never dropped or guessed: it is printed as the code, labelled as one.
The regions held are the provinces, the cities of Shandong, and Jinan's districts and counties,
including the codes of before 2001-2019 that older ID numbers still carry.
"""

from __future__ import annotations

# GB 3304-1991: the 56 ethnic groups, then the two codes for people of no listed group.
ETHNIC_GROUPS: dict[str, tuple[str, str]] = {
    "01": ("汉族", "Han"),
    "02": ("蒙古族", "Mongol"),
    "03": ("回族", "Hui"),
    "04": ("藏族", "Tibetan"),
    "05": ("维吾尔族", "Uyghur"),
    "06": ("苗族", "Miao"),
    "07": ("彝族", "Yi"),
    "08": ("壮族", "Zhuang"),
    "09": ("布依族", "Bouyei"),
    "10": ("朝鲜族", "Korean"),
    "11": ("满族", "Manchu"),
    "12": ("侗族", "Dong"),
    "13": ("瑶族", "Yao"),
    "14": ("白族", "Bai"),
    "15": ("土家族", "Tujia"),
    "16": ("哈尼族", "Hani"),
    "17": ("哈萨克族", "Kazakh"),
    "18": ("傣族", "Dai"),
    "19": ("黎族", "Li"),
    "20": ("傈僳族", "Lisu"),
    "21": ("佤族", "Va"),
    "22": ("畲族", "She"),
    "23": ("高山族", "Gaoshan"),
    "24": ("拉祜族", "Lahu"),
    "25": ("水族", "Shui"),
    "26": ("东乡族", "Dongxiang"),
    "27": ("纳西族", "Naxi"),
    "28": ("景颇族", "Jingpo"),
    "29": ("柯尔克孜族", "Kyrgyz"),
    "30": ("土族", "Tu"),
    "31": ("达斡尔族", "Daur"),
    "32": ("仫佬族", "Mulao"),
    "33": ("羌族", "Qiang"),
    "34": ("布朗族", "Blang"),
    "35": ("撒拉族", "Salar"),
    "36": ("毛南族", "Maonan"),
    "37": ("仡佬族", "Gelao"),
    "38": ("锡伯族", "Xibe"),
    "39": ("阿昌族", "Achang"),
    "40": ("普米族", "Pumi"),
    "41": ("塔吉克族", "Tajik"),
    "42": ("怒族", "Nu"),
    "43": ("乌孜别克族", "Uzbek"),
    "44": ("俄罗斯族", "Russian"),
    "45": ("鄂温克族", "Evenki"),
    "46": ("德昂族", "De'ang"),
    "47": ("保安族", "Bonan"),
    "48": ("裕固族", "Yugur"),
    "49": ("京族", "Gin"),
    "50": ("塔塔尔族", "Tatar"),
    "51": ("独龙族", "Derung"),
    "52": ("鄂伦春族", "Oroqen"),
    "53": ("赫哲族", "Hezhen"),
    "54": ("门巴族", "Monba"),
    "55": ("珞巴族", "Lhoba"),
    "56": ("基诺族", "Jino"),
    "97": ("其他未识别民族", "Other (unrecognised group)"),
    "98": ("外国血统中国籍人士", "Chinese citizen of foreign origin"),
}

# GB/T 2260 province-level divisions (code prefix of two digits).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Tibet"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
    "71": ("台湾省", "Taiwan"),
    "81": ("香港特别行政区", "Hong Kong"),
    "82": ("澳门特别行政区", "Macao"),
    "83": ("台湾居民", "Taiwan residents"),
}

# The prefecture-level cities of Shandong (code prefix of four digits; 3712 Laiwu until 2019).
SHANDONG_CITIES: dict[str, tuple[str, str]] = {
    "3701": ("济南市", "Jinan"),
    "3702": ("青岛市", "Qingdao"),
    "3703": ("淄博市", "Zibo"),
    "3704": ("枣庄市", "Zaozhuang"),
    "3705": ("东营市", "Dongying"),
    "3706": ("烟台市", "Yantai"),
    "3707": ("潍坊市", "Weifang"),
    "3708": ("济宁市", "Jining"),
    "3709": ("泰安市", "Tai'an"),
    "3710": ("威海市", "Weihai"),
    "3711": ("日照市", "Rizhao"),
    "3712": ("莱芜市", "Laiwu"),
    "3713": ("临沂市", "Linyi"),
    "3714": ("德州市", "Dezhou"),
    "3715": ("聊城市", "Liaocheng"),
    "3716": ("滨州市", "Binzhou"),
    "3717": ("菏泽市", "Heze"),
}

# Districts and counties, named within their city: Jinan's (today's and earlier codes still on
# older ID numbers), and the city districts the demo's newcomers come from.
COUNTIES: dict[str, tuple[str, str]] = {
    "370101": ("市辖区", "city districts"),
    "370102": ("历下区", "Lixia District"),
    "370103": ("市中区", "Shizhong District"),
    "370104": ("槐荫区", "Huaiyin District"),
    "370105": ("天桥区", "Tianqiao District"),
    "370112": ("历城区", "Licheng District"),
    "370113": ("长清区", "Changqing District"),
    "370114": ("章丘区", "Zhangqiu District"),
    "370115": ("济阳区", "Jiyang District"),
    "370116": ("莱芜区", "Laiwu District"),
    "370117": ("钢城区", "Gangcheng District"),
    "370123": ("长清县", "Changqing County (before 2001)"),
    "370124": ("平阴县", "Pingyin County"),
    "370125": ("济阳县", "Jiyang County (before 2018)"),
    "370126": ("商河县", "Shanghe County"),
    "370181": ("章丘市", "Zhangqiu (county-level city, before 2016)"),
    "371202": ("莱城区", "Laicheng District (before 2019)"),
    "371203": ("钢城区", "Gangcheng District (before 2019)"),
    "370202": ("市南区", "Shinan District"),
    "370302": ("淄川区", "Zichuan District"),
    "370602": ("芝罘区", "Zhifu District"),
    "370702": ("潍城区", "Weicheng District"),
    "370802": ("市中区", "Shizhong District (before 2013)"),
    "371302": ("兰山区", "Lanshan District"),
    "371402": ("德城区", "Decheng District"),
    "371502": ("东昌府区", "Dongchangfu District"),
}

_UNKNOWN_ETHNICITY = ("民族代码 {code}（未收录）", "ethnic group code {code} (not in the table)")
_UNKNOWN_REGION = ("地区代码 {code}（未收录）", "region code {code} (not in the table)")
_PARTLY_KNOWN = ("{place}（地区代码 {code}）", "{place} (region code {code})")
_COUNTY_IN_CITY = ("{city}{county}", "{county}, {city}")


def _index(lang: str) -> int:
    return 0 if lang == "zh" else 1


def ethnicity_name(code: str | None, lang: str = "zh") -> str:
    """The GB 3304 name of an ethnic group code ('01' -> '汉族' / 'Han'); an unknown code as
    'ethnic group code NN (not in the table)', an empty one as ''."""
    if not code:
        return ""
    i = _index(lang)
    pair = ETHNIC_GROUPS.get(code.strip().zfill(2))
    return pair[i] if pair else _UNKNOWN_ETHNICITY[i].format(code=code)


def region_name(code: str | None, lang: str = "zh") -> str:
    """The GB/T 2260 name of a 6-digit region code, within its city ('370105' -> '济南市天桥区'
    / 'Tianqiao District, Jinan'). A code whose district is not held names its city or province
    with the code; a code not held at all is printed as the code, labelled as one; '' as ''."""
    if not code:
        return ""
    i = _index(lang)
    code = code.strip()
    city = SHANDONG_CITIES.get(code[:4])
    county = COUNTIES.get(code)
    if county and city:
        return _COUNTY_IN_CITY[i].format(city=city[i], county=county[i])
    if city and code.endswith("00"):
        return city[i]
    province = PROVINCES.get(code[:2])
    if province and code.endswith("0000"):
        return province[i]
    place = city or province
    if place:
        return _PARTLY_KNOWN[i].format(place=place[i], code=code)
    return _UNKNOWN_REGION[i].format(code=code)
