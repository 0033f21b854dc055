"""Demo content: the site skeleton (home, sections, data pages, plain pages), the site
settings, the unqualified-product notices and the English translations of the skeleton."""

from datetime import date, timedelta

from .blocks import UL, H, P, plain_rich, rich

HOME = {
    "slug": "home",
    "title": "农安信用门户",
    "hero_title": "农产品质量安全信用信息，一站查询",
    "hero_text": "查黑名单、查信用等级、验合格证；看抽检通报、典型案例和科普辟谣。"
    "让守信者处处便利，失信者处处受限。",
    "search_placeholder": "输入企业名称、统一社会信用代码或产品名称",
    "seo_title": "",
    "search_description": "农安信用门户：农产品质量安全信用信息公开、黑名单和认证产品查询、承诺达标合格证查验、科普辟谣。",
}

# slug, model, title, intro (rich text), show_in_menus, extra fields
SECTIONS = [
    (
        "science",
        "portal.ArticleIndexPage",
        "科普",
        "农产品质量安全科学知识：合格证怎么看、农药兽药怎么用、认证标志怎么认、日常怎么选购。",
        {},
    ),
    (
        "rumours",
        "portal.RumourIndexPage",
        "辟谣",
        "网上流传的农产品“说法”，我们请专家逐条核实，给出结论和依据。",
        {},
    ),
    (
        "cases",
        "cases.TypicalCaseIndexPage",
        "典型案例",
        "农产品质量安全领域执法典型案例，以案释法。本站演示内容中的案例均为虚构，当事人信息已隐去。",
        {},
    ),
    (
        "notices",
        "portal.NoticeIndexPage",
        "不合格通报",
        "按期公布农产品质量安全监督抽查和例行监测中发现的不合格产品，数据来自生产经营主体信用档案。",
        {},
    ),
    (
        "policies",
        "portal.PolicyIndexPage",
        "政策法规",
        "农产品质量安全相关的法律、行政法规、部门规章、规范性文件和标准。",
        {},
    ),
]

DATA_PAGES = [
    (
        "blacklist",
        "blacklist",
        "黑名单",
        "依据农产品质量安全“黑名单”管理有关规定，公开因严重违法失信被列入黑名单的生产经营主体。"
        "列入前依法告知当事人并听取陈述申辩；期满、移出或信用修复后不再公开。",
        True,
    ),
    (
        "certified",
        "certified",
        "认证产品",
        "本地获得绿色食品、有机农产品、农产品地理标志和名特优新农产品认证登录的产品及其有效期。",
        True,
    ),
    (
        "credit",
        "credit",
        "信用查询",
        "查询生产经营主体的信用等级及评定依据。信用等级按照公开的信用评价规则，"
        "根据合格证开具、抽检合格率、生产记录和行政处罚等信息自动计算。",
        True,
    ),
    (
        "open-data",
        "open_data",
        "数据公开",
        "农产品质量安全监管的统计数据、国家农产品质量安全县创建情况和开放数据接口。",
        True,
    ),
    (
        "complaints",
        "complaint",
        "投诉举报",
        "发现农产品质量安全违法行为，可以在这里投诉举报，也可以拨打12316。我们依法为举报人保密。",
        False,
    ),
]

STANDARD_PAGES = [
    {
        "slug": "about",
        "title": "关于本站",
        "intro": "农安信用门户是面向公众的农产品质量安全信用信息公开平台。",
        "body": [
            P("""本站汇集生产经营主体的诚信档案，依据公开的信用评价规则计算信用等级，公开黑名单、不合格产品通报
            和典型案例，并提供承诺达标合格证查验、科普辟谣和投诉举报服务。"""),
            H("信息来源"),
            P("""信用信息来自各级农业农村部门的巡查检查、抽检监测、行政处罚和认证登录记录。
            对信息有异议的，生产经营主体可以依法提出异议申请；符合条件的可以申请信用修复。"""),
        ],
        "in_menu": False,
    },
    {
        "slug": "accessibility",
        "title": "无障碍声明",
        "intro": "我们致力于让所有人都能使用本站，包括使用读屏软件、键盘或放大功能的用户。",
        "body": [
            H("我们遵循的标准"),
            P("""本站按照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668-2019）和
            Web内容无障碍指南（WCAG）2.1 AA级的要求设计和测试。"""),
            UL(
                "每个页面都提供“跳到主要内容”链接，可以用键盘完成全部操作，焦点位置清晰可见；",
                "页面使用规范的标题层级和地标区域，表格带有表头和标题；",
                "文字与背景的对比度满足AA级要求，页面可放大到200%而不丢失内容；",
                "不依赖颜色传达信息：结论、等级等同时用文字标明；",
                "不使用外部字体和第三方脚本，在网络条件较差时也能正常访问。",
            ),
            H("反馈"),
            P("""如果您在使用本站时遇到障碍，请通过页脚的联系方式告诉我们，我们会尽快改进。"""),
        ],
        "in_menu": False,
    },
    {
        "slug": "contact",
        "title": "联系我们",
        "intro": "咨询、建议和投诉举报，可以通过以下方式联系我们。",
        "body": [
            UL(
                "农产品质量安全投诉举报电话：12316；",
                "工作时间：工作日 上午8:30—12:00，下午14:00—17:30；",
                "通信地址及邮箱见页脚（演示数据）。",
            ),
            P(
                """举报违法行为请尽量提供时间、地点、产品和当事人等线索，我们将依法处理并为举报人保密。"""
            ),
        ],
        "in_menu": False,
    },
]

SETTINGS = {
    "organiser": "某省农业农村厅（演示）",
    "organiser_en": "Provincial Department of Agriculture and Rural Affairs (demo)",
    "icp_number": "某ICP备00000000号（演示）",
    "public_security_number": "",
    "contact_phone": "0431-00000000",
    "complaint_hotline": "12316",
    "contact_email": "service@example.org",
    "contact_address": "某省某市某路1号（演示）",
    "contact_address_en": "1 Example Road, Example City, Example Province (demo)",
}

HOME_FEATURED = [
    # (section slug, page slug, display title, summary)
    ("science", "how-to-read-compliance-certificate", "", ""),
    ("rumours", "seedless-grapes-contraceptives", "", ""),
    ("policies", "agricultural-product-quality-safety-law", "读懂新修订的农产品质量安全法", ""),
]
HOME_SECTIONS = [("notices", 5), ("cases", 5), ("science", 6), ("rumours", 6), ("policies", 5)]

QUALITY_COUNTY_INDEX = {
    "slug": "quality-counties",
    "title": "农产品质量安全县",
    "intro": "国家和省级农产品质量安全县的创建、命名情况。以下为演示数据，不代表真实命名情况。",
}


def quarter_notices(today: date, count: int = 3) -> list[dict]:
    """The last `count` complete quarters before `today`, newest first."""
    notices = []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        start = date(year, 3 * quarter - 2, 1)
        end = (date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - timedelta(days=1)
        numerals = "一二三四"[quarter - 1]
        notices.append(
            {
                "slug": f"{year}-q{quarter}",
                "title": f"{year}年第{numerals}季度农产品质量安全监督抽检不合格产品通报",
                "date": end + timedelta(days=15),
                "issuer": "某省农业农村厅（演示）",
                "period_start": start,
                "period_end": end,
                "intro": plain_rich(
                    f"{year}年第{numerals}季度，各地农业农村部门对蔬菜、水果、畜禽产品、禽蛋和水产品开展了例行监测"
                    "和监督抽查。现将抽检不合格的产品通报如下。\n\n"
                    "不合格产品所在地农业农村部门已依法开展核查处置，监督生产者查明原因、落实整改，"
                    "相关信息已记入生产经营主体信用档案。"
                ),
                "body": [
                    H("消费提示"),
                    P("""购买农产品时请留意承诺达标合格证，通过正规渠道购买。发现质量安全问题，
                    可拨打12316或通过本站投诉举报。"""),
                ],
            }
        )
    return notices


# --- English translations of the skeleton (wagtail-localize, by source string) -------------
# Keys are the Chinese source strings as they appear in the translation segments.
ENGLISH = {
    # home
    "农安信用门户": "Nong'an Credit Portal",
    "home": "home-en",
    HOME["hero_title"]: "Agricultural product quality and credit information in one place",
    HOME[
        "hero_text"
    ]: "Check the blacklist and credit grades, verify compliance certificates, and read "
    "sampling notices, typical cases, science articles and rumour rebuttals. Trust is rewarded; "
    "dishonesty is restricted.",
    HOME["search_placeholder"]: "Producer name, unified social credit code or product",
    HOME[
        "search_description"
    ]: "Nong'an Credit Portal: public credit information on agricultural product "
    "quality safety, blacklist and certified-product search, compliance-certificate verification, "
    "science and rumour rebuttals.",
    "读懂新修订的农产品质量安全法": "Understanding the revised Agricultural Product Quality Safety Law",
    # sections
    "科普": "Science",
    "science": "science",
    "农产品质量安全科学知识：合格证怎么看、农药兽药怎么用、认证标志怎么认、日常怎么选购。": "Science for consumers and producers: reading compliance certificates, using pesticides and "
    "veterinary drugs safely, recognising certification marks, buying and storing produce.",
    "辟谣": "Fact checks",
    "rumours": "rumours",
    "网上流传的农产品“说法”，我们请专家逐条核实，给出结论和依据。": "Claims about farm produce circulating online, checked one by one by experts, with a verdict "
    "and the evidence.",
    "典型案例": "Typical cases",
    "cases": "cases",
    "农产品质量安全领域执法典型案例，以案释法。本站演示内容中的案例均为虚构，当事人信息已隐去。": "Typical enforcement cases in agricultural product quality safety. The cases in this demo are "
    "fictitious and the parties are anonymised.",
    "不合格通报": "Sampling notices",
    "notices": "notices",
    "按期公布农产品质量安全监督抽查和例行监测中发现的不合格产品，数据来自生产经营主体信用档案。": "Periodic notices of products that failed supervision sampling and routine monitoring, drawn "
    "from producers' integrity files.",
    "政策法规": "Laws & policies",
    "policies": "policies",
    "农产品质量安全相关的法律、行政法规、部门规章、规范性文件和标准。": "Laws, administrative regulations, ministerial rules, normative documents and standards on "
    "agricultural product quality safety.",
    # data pages
    "黑名单": "Blacklist",
    "blacklist": "blacklist",
    "认证产品": "Certified products",
    "certified": "certified",
    "信用查询": "Credit check",
    "credit": "credit",
    "数据公开": "Open data",
    "open-data": "open-data",
    "投诉举报": "Complaints",
    "complaints": "complaints",
    "农产品质量安全县": "Quality-safety counties",
    "quality-counties": "quality-counties",
    QUALITY_COUNTY_INDEX["intro"]: "Designation of national and provincial agricultural product "
    "quality-safety counties. Demo data: not the real designations.",
    # plain pages
    "关于本站": "About this site",
    "about": "about",
    "无障碍声明": "Accessibility statement",
    "accessibility": "accessibility",
    "联系我们": "Contact us",
    "contact": "contact",
}

ENGLISH.update(
    {
        DATA_PAGES[0][
            3
        ]: "Producers placed on the blacklist for serious violations, under the rules on "
        "the agricultural product quality-safety blacklist. Producers are notified and heard before "
        "listing; entries are no longer published after expiry, removal or credit repair.",
        DATA_PAGES[1][
            3
        ]: "Local products certified as green food, organic, geographical indication or "
        "famous-special-excellent-new, with their validity.",
        DATA_PAGES[2][
            3
        ]: "Look up a producer's credit grade and the reasons for it. Grades are computed "
        "by the published credit policy from certificate issuance, sampling pass rates, production "
        "records and penalties.",
        DATA_PAGES[3][
            3
        ]: "Supervision statistics, quality-safety county designations and the open data API.",
        DATA_PAGES[4][
            3
        ]: "Report a violation of agricultural product quality safety here or call 12316. "
        "Whistle-blowers' identities are protected by law.",
        STANDARD_PAGES[0][
            "intro"
        ]: "Nong'an Credit Portal is the public platform for credit information "
        "on agricultural product quality safety.",
        STANDARD_PAGES[1][
            "intro"
        ]: "We want everyone to be able to use this site, including people who "
        "use screen readers, keyboards or magnification.",
        STANDARD_PAGES[2][
            "intro"
        ]: "For questions, suggestions and complaints, contact us as follows.",
    }
)

# The bodies of the plain pages, segment by segment (a paragraph, a list item, a heading).
ENGLISH.update(
    {
        "本站汇集生产经营主体的诚信档案，依据公开的信用评价规则计算信用等级，公开黑名单、不合格产品通报"
        "和典型案例，并提供承诺达标合格证查验、科普辟谣和投诉举报服务。": "This site brings together the "
        "integrity files of producers, computes their credit grades by published rules, publishes "
        "the blacklist, unqualified-product notices and typical cases, and offers compliance-"
        "certificate verification, science articles, fact checks and a complaint service.",
        "信息来源": "Where the information comes from",
        "信用信息来自各级农业农村部门的巡查检查、抽检监测、行政处罚和认证登录记录。"
        "对信息有异议的，生产经营主体可以依法提出异议申请；符合条件的可以申请信用修复。": "Credit "
        "information comes from the inspections, sampling, administrative penalties and "
        "certification records of agriculture and rural affairs departments at every level. "
        "Producers who dispute a record may file an objection; those who qualify may apply for "
        "credit repair.",
        "我们遵循的标准": "The standards we follow",
        "本站按照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668-2019）和"
        "Web内容无障碍指南（WCAG）2.1 AA级的要求设计和测试。": "This site is designed and tested "
        "to GB/T 37668-2019 (Information technology — Accessibility requirements and testing "
        "methods for web content) and the Web Content Accessibility Guidelines (WCAG) 2.1, "
        "level AA.",
        "每个页面都提供“跳到主要内容”链接，可以用键盘完成全部操作，焦点位置清晰可见；": "every page "
        "has a “Skip to main content” link, everything can be done with a keyboard, and the "
        "focus is always visible;",
        "页面使用规范的标题层级和地标区域，表格带有表头和标题；": "pages use a proper heading "
        "structure and landmarks, and tables have headers and captions;",
        "文字与背景的对比度满足AA级要求，页面可放大到200%而不丢失内容；": "text contrast meets "
        "level AA, and pages can be zoomed to 200% without losing content;",
        "不依赖颜色传达信息：结论、等级等同时用文字标明；": "colour is never the only way "
        "information is given: verdicts and grades are also written out;",
        "不使用外部字体和第三方脚本，在网络条件较差时也能正常访问。": "no external fonts or "
        "third-party scripts are used, so the site works on poor connections too.",
        "反馈": "Feedback",
        "如果您在使用本站时遇到障碍，请通过页脚的联系方式告诉我们，我们会尽快改进。": "If anything "
        "on this site is hard to use, please tell us through the contact details in the footer "
        "and we will fix it as soon as we can.",
        "农产品质量安全投诉举报电话：12316；": "Agricultural product quality-safety complaints "
        "hotline: 12316;",
        "工作时间：工作日 上午8:30—12:00，下午14:00—17:30；": "Office hours: working days "
        "8:30–12:00 and 14:00–17:30 (China Standard Time);",
        "通信地址及邮箱见页脚（演示数据）。": "Postal address and email: see the footer (demo "
        "data).",
        "举报违法行为请尽量提供时间、地点、产品和当事人等线索，我们将依法处理并为举报人保密。": "When "
        "reporting a violation, please give the time, place, product and parties where you can. "
        "We handle every report according to law and keep the reporter's identity confidential.",
    }
)

SECTION_INTROS = {slug: rich(intro) for slug, _m, _t, intro, _e in SECTIONS}
