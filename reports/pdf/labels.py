"""Every fixed text of the documents, in Chinese (the default) and English, side by side.

Both languages share one layout: a label is a (Chinese, English) pair, so neither can be
forgotten. Codes from the register (insurance types, statuses, ...) are translated through
`Labels.term`, which prints an unknown code as it came rather than failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

LANGS = ("zh", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # titles
    "title_rights": ("个人权益记录单", "Personal Rights Record"),
    "title_medical": ("医疗保险个人账户对账单", "Medical Insurance Personal Account Statement"),
    "title_certificate": ("参保缴费证明", "Certificate of Social Insurance Contributions"),
    "title_daily": ("社保服务中心日报", "Office Daily Report"),
    "title_audit": ("查询记录摘录", "Audit Extract (who looked at whom)"),
    # page frame
    "field": ("{label}：{value}", "{label}: {value}"),
    "statement_no": ("编号", "No."),
    "clerk": ("经办人", "Clerk"),
    "printed_at": ("打印时间", "Printed"),
    "data_as_of": ("数据截至", "Data as of"),
    "never_synced": ("从未与中心同步", "never synced with headquarters"),
    "loading_as_of": (
        "{as_of}（中心数据首次下发中，尚未完成）",
        "{as_of} (the first copy from headquarters is still loading)",
    ),
    "loading_no_time": (
        "中心数据首次下发中，尚未完成",
        "the first copy from headquarters is still loading",
    ),
    "page": ("第 {page} 页 共 {pages} 页", "Page {page} of {pages}"),
    "offline": (
        "离线打印：数据截至 {as_of}，可能不是最新",
        "Printed offline: data as of {as_of}, may be out of date",
    ),
    "offline_never": (
        "离线打印：从未与中心同步，数据可能不是最新",
        "Printed offline: never synced with headquarters, data may be out of date",
    ),
    "offline_loading": (
        "本机首次同步尚未完成时打印：数据可能不是最新",
        "Printed before this computer's first sync finished: data may be out of date",
    ),
    "demo": ("演示数据，非真实记录", "Demo data, not a real record"),
    "separator": ("；", "; "),
    "unit": ("单位：元", "Unit: yuan (CNY)"),
    # what an official statement carries at its end (reports.pdf.official)
    "verify_how": (
        "真伪核验：扫描右上角二维码，或凭编号 {number} 向社会保险经办机构核验",
        "To verify: scan the QR code, or give the number {number} to a social insurance office",
    ),
    "verify_url": ("核验网址：{url}", "Verify online: {url}"),
    "verify_command": (
        "经办机构核验：counterdesk hq verify-statement（二维码内容）",
        "Offices verify it with: counterdesk hq verify-statement (the QR code's content)",
    ),
    "issuer": ("出具机构：{office}", "Issued by: {office}"),
    "issuer_address": ("地址：{address}", "Address: {address}"),
    "hotline": ("咨询电话：12333", "Enquiries: 12333 (social insurance hotline)"),
    "seal": ("（盖章）", "(Official seal)"),
    # common
    "none_recorded": ("无记录", "None on record"),
    "total": ("合计", "Total"),
    "period": ("统计期间", "Period"),
    "period_range": ("{start} 至 {end}", "{start} to {end}"),
    "duration": ("{years} 年 {months} 个月", "{years} {year_word} {months} {month_word}"),
    # holder block
    "name": ("姓名", "Name"),
    "ssn": ("社会保障号码", "Social security no."),
    "gender": ("性别", "Gender"),
    "birth_date": ("出生日期", "Date of birth"),
    "ethnicity": ("民族", "Ethnic group"),
    "region": ("行政区划", "Region"),
    "status": ("参保状态", "Status"),
    "address": ("地址", "Address"),
    "year": ("记录年度", "Year"),
    # rights record
    "card": ("社会保障卡", "Social security card"),
    "card_line": (
        "{card_no}　第 {generation} 代　{status}　发卡日期 {issued}　有效期至 {expiry}",
        "{card_no}, generation {generation}, {status}, issued {issued}, valid until {expiry}",
    ),
    "sec_enrolments": ("参保登记", "Registrations"),
    "sec_months": ("{year} 年度逐月缴费明细", "Contributions in {year}, month by month"),
    "sec_year_totals": (
        "{year} 年度缴费合计及累计缴费时间",
        "Totals for {year} and contribution time in all",
    ),
    "sec_arrears": ("欠缴记录", "Arrears"),
    "sec_accounts": ("个人账户余额", "Personal account balances"),
    "months_incomplete": (
        "本年度部分月份仅有年度汇总",
        "Some months of this year are held only as a yearly summary",
    ),
    "months_split": (
        "同一月份各险种的缴费基数、状态或到账日期不同时，分行列示",
        "A month whose insurance types differ in base, status or posting date has a row for each",
    ),
    "no_personal_part": (
        "{types}各月个人缴纳均为 0.00，未单列",
        "{types}: the personal part is 0.00 in every month (no column for it)",
    ),
    "no_personal_due": (
        "{types}个人应缴均为 0.00，未单列",
        "{types}: no personal part is due (no column for it)",
    ),
    "list_separator": ("、", ", "),
    "no_months": ("本年度无逐月明细", "No month-by-month details for this year"),
    "no_arrears": ("无欠缴记录", "No arrears"),
    "arrears_outside_year": (
        "欠缴记录列出截至上月的 36 个月，其中 {months} 不属于 {year} 年度",
        "Arrears cover the 36 months up to last month; {months} lie outside {year}",
    ),
    "col_status": ("状态", "Status"),
    "col_insurance": ("险种", "Insurance"),
    "col_employer": ("单位名称", "Employer"),
    "col_employer_code": ("单位编号", "Employer code"),
    "col_start": ("参保日期", "From"),
    "col_end": ("终止日期", "Until"),
    "col_month": ("月份", "Month"),
    "col_base": ("缴费基数", "Base"),
    "col_employer_part": ("单位缴纳", "Employer part"),
    "col_personal_part": ("个人缴纳", "Personal part"),
    "col_employer_short": ("单位", "Employer"),
    "col_personal_short": ("个人", "Personal"),
    "col_posted": ("到账日期", "Posted"),
    "col_months_paid": ("缴费月数", "Months paid"),
    "col_months_arrears": ("欠缴月数", "Months in arrears"),
    "col_base_total": ("缴费基数合计", "Base total"),
    "col_employer_due": ("单位应缴", "Employer due"),
    "col_personal_due": ("个人应缴", "Personal due"),
    "col_contribution_time": ("累计缴费时间", "Contribution time"),
    # medical statement
    "opening": ("期初余额", "Opening balance"),
    "allocated": ("本期划入", "Allocated in the period"),
    "spent": ("本期支出", "Spent in the period"),
    "closing": ("期末余额", "Closing balance"),
    "sec_summary": ("账户汇总", "Summary"),
    "sec_entries": ("账户明细", "Entries"),
    "col_date": ("日期", "Date"),
    "col_kind": ("摘要", "Entry"),
    "col_amount": ("金额", "Amount"),
    "col_balance_after": ("余额", "Balance after"),
    "col_counterparty": ("医院 / 药店", "Hospital / pharmacy"),
    # contribution certificate
    "certify": (
        "兹证明 {name} 自 {since} 起在本市参加社会保险，{start} 至 {end} 期间的缴费情况如下。",
        "This certifies that {name} has been insured in this city since {since}; their "
        "contributions from {start} to {end} are stated below.",
    ),
    "certify_unregistered": (
        "兹证明 {name} 在 {start} 至 {end} 期间的缴费情况如下（无参保登记记录）。",
        "This certifies the contributions of {name} from {start} to {end}, stated below (no "
        "registration on record).",
    ),
    "sec_period_months": (
        "{start} 至 {end} 逐月缴费明细",
        "Contributions from {start} to {end}, month by month",
    ),
    "sec_period_totals": (
        "上列月份缴费合计及累计缴费时间",
        "Totals of the months above and contribution time in all",
    ),
    "period_incomplete": (
        "所选期间早于本网点保存的逐月明细，较早月份仅有年度汇总，请向中心查询",
        "Part of the period lies before the months held in detail here: earlier months are held "
        "only as yearly totals (ask headquarters)",
    ),
    "certificate_check": (
        "本证明仅证明上述期间的缴费记录。扫描二维码或凭编号在社会保险中心核验真伪。",
        "This certificate states the contributions of the period above only. Scan the QR code, "
        "or give its number to headquarters, to check that it is genuine.",
    ),
    # daily report
    "day": ("日期", "Day"),
    "sec_sync": ("与中心同步", "Sync with headquarters"),
    "last_sync": ("最近一次成功同步", "Last successful sync"),
    "last_error": ("最近一次同步错误", "Last sync error"),
    "pending": ("待上传指令", "Commands waiting"),
    "sec_visits_purpose": ("来访（按事由）", "Visits by purpose"),
    "sec_visits_clerk": ("来访（按经办人）", "Visits by clerk"),
    "sec_statements": ("出具单据", "Statements printed"),
    "sec_card_ops": ("卡务操作", "Card operations"),
    "sec_rejected": ("被中心拒绝的指令", "Commands rejected by headquarters"),
    # the rights record's third part: benefits (reports.pdf.benefits)
    "sec_benefits": ("{year} 年度待遇享受情况", "Benefits in {year}"),
    "retired_since": (
        "{date} 起退休，按月领取基本养老金，无需缴费",
        "Retired since {date}: a monthly pension is paid, no contributions are due",
    ),
    "no_benefit_payments": (
        "本年度本中心未存有待遇发放记录",
        "No benefit payment held for this year",
    ),
    "col_benefit": ("待遇项目", "Benefit"),
    "col_benefit_amount": ("发放金额", "Amount"),
    "col_paid_date": ("发放日期", "Date paid"),
    "col_payment_account": ("发放账户", "Payment account"),
    "not_paid": ("待发放", "Due"),
    "pension_check": ("养老金领取资格认证", "Pension eligibility check"),
    "pension_check_line": (
        "{date} 经{channel}认证，下次认证截止 {due}",
        "{date} through {channel}, next due by {due}",
    ),
    "pension_check_none": ("本年度无认证记录", "None recorded this year"),
    "pooled_allocations": ("医保个人账户统筹划入", "Medical account allocations (pooled fund)"),
    "pooled_line": ("{months} 个月，合计 {amount}", "{months} months, {amount} in all"),
    "col_item": ("项目", "Item"),
    "col_count": ("数量", "Count"),
    "col_time": ("时间", "Time"),
    "col_command": ("指令", "Command"),
    "col_reason": ("原因", "Reason"),
    # audit extract
    "entries_count": ("共 {count} 条记录", "{count} entries"),
    "col_actor": ("操作人", "Actor"),
    "col_action": ("操作", "Action"),
    "col_subject": ("对象", "Subject"),
}

_TERMS: dict[str, dict[str, tuple[str, str]]] = {
    "insurance": {
        "pension": ("养老保险", "Pension"),
        "medical": ("医疗保险", "Medical"),
        "unemployment": ("失业保险", "Unemployment"),
        "work_injury": ("工伤保险", "Work injury"),
        "maternity": ("生育保险", "Maternity"),
    },
    "insurance_short": {  # in lists of types
        "pension": ("养老", "Pension"),
        "medical": ("医疗", "Medical"),
        "unemployment": ("失业", "Unemployment"),
        "work_injury": ("工伤", "Work injury"),
        "maternity": ("生育", "Maternity"),
    },
    "contribution": {
        "paid": ("已缴", "Paid"),
        "arrears": ("欠缴", "In arrears"),
        "back-paid": ("补缴", "Back-paid"),
    },
    "person": {
        "insured": ("正常参保", "Insured"),
        "suspended": ("暂停参保", "Suspended"),
        "retired": ("退休", "Retired"),
        "deceased": ("死亡", "Deceased"),
        "moved_out": ("转出", "Moved out"),
    },
    "enrolment": {
        "active": ("参保缴费", "Active"),
        "suspended": ("暂停缴费", "Suspended"),
        "ended": ("终止参保", "Ended"),
    },
    "card": {
        "active": ("正常", "Active"),
        "lost": ("挂失", "Reported lost"),
        "frozen": ("冻结", "Frozen"),
        "cancelled": ("注销", "Cancelled"),
        "replaced": ("已换卡", "Replaced"),
    },
    "account": {
        "pension": ("养老保险个人账户", "Pension personal account"),
        "medical": ("医疗保险个人账户", "Medical personal account"),
    },
    "entry": {
        "allocation": ("划入", "Allocation"),
        "spending": ("支出", "Spending"),
        "interest": ("利息", "Interest"),
        "contribution": ("个人缴费划入", "Contribution"),
        "carried forward": ("上年结转", "Carried forward"),
    },
    "benefit": {
        "pension": ("基本养老金", "Pension"),
        "unemployment": ("失业保险金", "Unemployment benefit"),
    },
    "channel": {
        "counter": ("服务窗口", "an office counter"),
        "online": ("网上服务", "the online service"),
        "app": ("手机应用", "the mobile app"),
        "community": ("社区服务站", "a community service centre"),
        "data": ("数据比对", "data comparison"),
    },
    "gender": {"M": ("男", "Male"), "F": ("女", "Female")},
    "purpose": {  # visit purposes are free text: the documented ones
        "lookup": ("信息查询", "Lookup"),
        "statement": ("打印单据", "Statement"),
        "card_report_lost": ("卡片挂失", "Card reported lost"),
    },
    "document": {
        "rights": _TEXTS["title_rights"],
        "medical": _TEXTS["title_medical"],
        "certificate": _TEXTS["title_certificate"],
        "daily": _TEXTS["title_daily"],
        "audit": _TEXTS["title_audit"],
    },
    "action": {
        "person.read": ("查看个人信息", "Viewed a person"),
        "person.search": ("查询人员", "Searched for people"),
        "person.reveal_id": ("显示完整证件号码", "Revealed a full ID number"),
        "card.report_lost": ("卡片挂失", "Reported a card lost"),
        "card.cancel_loss": ("解除挂失", "Cancelled a card loss"),
        "statement.issued": ("出具单据", "Issued a statement"),
        "statement.printed": ("打印单据", "Printed a statement"),
        "visit.record": ("登记来访", "Recorded a visit"),
        "query_password.reset": ("重置查询密码", "Reset the query password"),
        "query_password.unlocked": ("解锁查询密码", "Unlocked the query password"),
        "query_password.verified": ("查询密码验证通过", "Query password verified"),
        "kiosk.card_refused": ("自助机拒绝非正常卡片", "Card refused at the kiosk"),
        "query_password.failed": ("查询密码错误", "Wrong query password"),
        "query_password.failed_attempt": ("查询密码错误", "Wrong query password"),
        "query_password.locked_attempt": ("查询密码已锁定", "Query password locked"),
    },
}


@dataclass(frozen=True)
class Labels:
    """The fixed texts of one language."""

    lang: str
    _index: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"unknown document language {self.lang!r}: one of {LANGS}")
        object.__setattr__(self, "_index", LANGS.index(self.lang))  # looked up for every cell

    def text(self, key: str, **values: object) -> str:
        """The text `key`, with `{placeholders}` filled from `values`."""
        template = _TEXTS[key][self._index]
        return template.format(**values) if values else template

    def field(self, key: str, value: str) -> str:
        """'label：value' (Chinese) or 'label: value' (English)."""
        return self.text("field", label=self.text(key), value=value)

    def term(self, group: str, code: str) -> str:
        """A register code in words; an unknown code is printed as it came."""
        pair = _TERMS[group].get(code)
        return pair[self._index] if pair else code

    def duration(self, months: int) -> str:
        """A number of months as 'x 年 y 个月' / 'x years y months'."""
        years, rest = divmod(months, 12)
        return self.text(
            "duration",
            years=years,
            months=rest,
            year_word="year" if years == 1 else "years",
            month_word="month" if rest == 1 else "months",
        )


def all_texts() -> list[str]:
    """Every fixed text and term of both languages (for checking that the font has them)."""
    pairs = list(_TEXTS.values()) + [p for terms in _TERMS.values() for p in terms.values()]
    return [text for pair in pairs for text in pair]


# Texts only the office reports print: left out of the statements' fixed-text font (they are
# drawn with platypus in the register text's font, and would only make every statement bigger).
_REPORT_ONLY_TEXTS = frozenset(
    (
        "title_daily",
        "title_audit",
        "day",
        "sec_sync",
        "last_sync",
        "last_error",
        "pending",
        "sec_visits_purpose",
        "sec_visits_clerk",
        "sec_statements",
        "sec_card_ops",
        "sec_rejected",
        "col_count",
        "col_time",
        "col_command",
        "col_reason",
        "entries_count",
        "col_actor",
        "col_action",
        "col_subject",
    )
)
_REPORT_ONLY_TERMS = frozenset(("purpose", "document", "action"))
# Long texts printed once, at the end of a statement or under one table: set in the register
# text's font, so that the fixed texts of a rights record still fit one subset.
_NOT_SEEDED_TEXTS = frozenset(
    (
        "verify_how",
        "verify_url",
        "verify_command",
        "issuer",
        "issuer_address",
        "hotline",
        "seal",
        "arrears_outside_year",
        # printed only while a register's first copy is still loading
        "loading_as_of",
        "loading_no_time",
        "offline_loading",
    )
)


# Texts and terms only one kind of statement prints. A statement's fixed-text font leaves out
# those of the other kind: with them, the texts of both overflow the first subset of 256 codes
# (reportlab's; 95 of them are ASCII) and every document carried a second one, with its four
# objects and 5 KB. A text left out is still printed, in the register text's font.
_KIND_ONLY_TEXTS = {
    "rights": frozenset(
        (
            "title_rights",
            "year",
            "card",
            "card_line",
            "duration",
            "sec_enrolments",
            "sec_months",
            "sec_year_totals",
            "sec_arrears",
            "sec_accounts",
            "months_incomplete",
            "months_split",
            "no_personal_part",
            "no_personal_due",
            "list_separator",
            "no_months",
            "no_arrears",
            "arrears_outside_year",
            "col_status",
            "col_insurance",
            "col_employer",
            "col_employer_code",
            "col_start",
            "col_end",
            "col_month",
            "col_base",
            "col_employer_part",
            "col_personal_part",
            "col_employer_short",
            "col_personal_short",
            "col_posted",
            "col_months_paid",
            "col_months_arrears",
            "col_base_total",
            "col_employer_due",
            "col_personal_due",
            "col_contribution_time",
        )
    ),
    "medical": frozenset(
        (
            "title_medical",
            "period",
            "period_range",
            "opening",
            "allocated",
            "spent",
            "closing",
            "sec_summary",
            "sec_entries",
            "col_date",
            "col_kind",
            "col_amount",
            "col_balance_after",
            "col_counterparty",
        )
    ),
}
# The rights record's third part prints only for a person with benefits: its texts are kept out
# of every seed (a text left out is printed in the register text's font), so the documents of
# everybody else stay as they were.
_KIND_ONLY_TEXTS["benefits"] = frozenset(
    (
        "sec_benefits",
        "retired_since",
        "no_benefit_payments",
        "col_benefit",
        "col_benefit_amount",
        "col_paid_date",
        "col_payment_account",
        "not_paid",
        "pension_check",
        "pension_check_line",
        "pension_check_none",
        "pooled_allocations",
        "pooled_line",
    )
)
# The certificate prints the rights record's registrations, month grid and totals columns (its
# own texts besides), and the medical statement's period.
_KIND_ONLY_TEXTS["certificate"] = frozenset(
    (
        "title_certificate",
        "certify",
        "certify_unregistered",
        "sec_period_months",
        "sec_period_totals",
        "period_incomplete",
        "certificate_check",
        "period",
        "period_range",
    )
) | (
    _KIND_ONLY_TEXTS["rights"]
    - {"title_rights", "year", "card", "card_line", "sec_months", "sec_year_totals"}
    - {"sec_arrears", "sec_accounts", "months_incomplete", "no_personal_due", "no_months"}
    - {"no_arrears", "col_base_total", "col_employer_due", "col_personal_due"}
    - {"arrears_outside_year"}
)
_KIND_ONLY_TERMS = {
    "rights": frozenset(
        ("insurance", "insurance_short", "contribution", "enrolment", "card", "account")
    ),
    "medical": frozenset(("entry",)),
    "benefits": frozenset(("benefit", "channel")),
    "certificate": frozenset(("insurance", "insurance_short", "contribution", "enrolment")),
}
# The page frame of the office reports (no kind) is seeded with the texts of these two, as it
# always was: seeding it otherwise changes every report's bytes.
_FRAME_KINDS = ("rights", "medical")


@cache
def seed_text(lang: str, kind: str | None = None) -> str:
    """Every character beyond ASCII of the fixed texts statements of `kind` print in `lang`
    (None: the page frame of the office reports, seeded as the rights record and the medical
    statement together), once each, in code order (a text with any other character is simply
    set in the register text's font). A text only other kinds print is left out."""
    index = LANGS.index(lang)
    kinds = _FRAME_KINDS if kind is None else (kind,)
    own_texts = frozenset().union(*(_KIND_ONLY_TEXTS.get(k, frozenset()) for k in kinds))
    own_terms = frozenset().union(*(_KIND_ONLY_TERMS.get(k, frozenset()) for k in kinds))
    skip_texts = _REPORT_ONLY_TEXTS.union(*_KIND_ONLY_TEXTS.values()) - own_texts
    skip_texts |= _NOT_SEEDED_TEXTS
    skip_terms = _REPORT_ONLY_TERMS.union(*_KIND_ONLY_TERMS.values()) - own_terms
    pairs = [pair for key, pair in _TEXTS.items() if key not in skip_texts]
    groups = [terms for group, terms in _TERMS.items() if group not in skip_terms]
    pairs += [pair for terms in groups for pair in terms.values()]
    return "".join(sorted({ch for pair in pairs for ch in pair[index] if ord(ch) > 127}))
