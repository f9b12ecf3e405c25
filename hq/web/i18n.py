"""The web pages' messages: English msgids, with zh (the default) and es.

A small table of its own, not the desktop's gettext catalogs: headquarters serves pages in the
language each visitor chooses (`?lang=`), kept in the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from hq.web.hotline_words import HOTLINE_MESSAGES

LANGUAGES = ("zh", "en", "es")
DEFAULT = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en", "es": "es"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English", "es": "Español"}

MESSAGES: dict[str, tuple[str, str]] = {  # msgid: (zh, es)
    "Social insurance self-query": ("社保个人信息查询", "Consulta personal de seguridad social"),
    "Sign in": ("登录", "Iniciar sesión"),
    "Sign out": ("退出", "Cerrar sesión"),
    "ID number": ("身份证号码", "Número de identidad"),
    "Query password": ("查询密码", "Contraseña de consulta"),
    "Your first password is your birth date (YYYYMMDD).": (
        "初始密码为出生日期（YYYYMMDD）。",
        "Su primera contraseña es su fecha de nacimiento (AAAAMMDD).",
    ),
    "The ID number or the password is wrong.": (
        "身份证号码或密码错误。",
        "El número de identidad o la contraseña no son correctos.",
    ),
    "{n} tries left before the password locks for 24 hours.": (
        "还可尝试 {n} 次，之后密码将锁定 24 小时。",
        "Le quedan {n} intentos antes de que la contraseña se bloquee 24 horas.",
    ),
    "The password is locked until {until} after too many wrong tries. "
    "It can be unlocked at any social insurance counter with your ID card.": (
        "密码错误次数过多，已锁定至 {until}。可携带身份证到任一社保服务窗口解锁。",
        "La contraseña está bloqueada hasta {until} por demasiados intentos fallidos. "
        "Puede desbloquearla en cualquier ventanilla con su documento de identidad.",
    ),
    "This is not a valid ID number: check it digit by digit.": (
        "身份证号码格式不正确，请逐位核对。",
        "No es un número de identidad válido: revíselo cifra por cifra.",
    ),
    "Too many attempts: wait {s} seconds and try again.": (
        "尝试过于频繁，请 {s} 秒后再试。",
        "Demasiados intentos: espere {s} segundos y vuelva a intentarlo.",
    ),
    "The form has expired: please submit it again.": (
        "页面已过期，请重新提交。",
        "El formulario ha caducado: envíelo de nuevo.",
    ),
    "Your session has ended. Please sign in again.": (
        "会话已结束，请重新登录。",
        "Su sesión ha terminado. Inicie sesión de nuevo.",
    ),
    "Choose a new password": ("设置新密码", "Elija una contraseña nueva"),
    "You are still using the initial password. Choose a new one before you continue.": (
        "您仍在使用初始密码，请先设置新密码。",
        "Todavía usa la contraseña inicial. Elija una nueva para continuar.",
    ),
    "New password (6 to 8 digits)": ("新密码（6至8位数字）", "Contraseña nueva (6 a 8 cifras)"),
    "New password again": ("再次输入新密码", "Repita la contraseña nueva"),
    "Save": ("保存", "Guardar"),
    "The two passwords differ.": ("两次输入的密码不一致。", "Las dos contraseñas no coinciden."),
    "The password must have 6 to 8 digits.": (
        "密码须为6至8位数字。",
        "La contraseña debe tener de 6 a 8 cifras.",
    ),
    "The new password must not be your birth date.": (
        "新密码不能是出生日期。",
        "La contraseña nueva no puede ser su fecha de nacimiento.",
    ),
    "Your record is no longer available.": (
        "您的记录暂不可用。",
        "Su registro ya no está disponible.",
    ),
    "Your record": ("我的社保信息", "Su registro"),
    "Data as of {when}": ("数据更新至 {when}", "Datos a {when}"),
    "Person": ("个人信息", "Persona"),
    "Name": ("姓名", "Nombre"),
    "Birth date": ("出生日期", "Fecha de nacimiento"),
    "Status": ("状态", "Estado"),
    "Cards": ("社保卡", "Tarjetas"),
    "Card number": ("卡号", "Número de tarjeta"),
    "Valid until": ("有效期至", "Válida hasta"),
    "Enrolments": ("参保信息", "Afiliaciones"),
    "Insurance": ("险种", "Seguro"),
    "Since": ("起始日期", "Desde"),
    "Until": ("终止日期", "Hasta"),
    "Employer": ("单位", "Empleador"),
    "Contributions, month by month": ("逐月缴费明细", "Cotizaciones mes a mes"),
    "Month": ("月份", "Mes"),
    "Base": ("缴费基数", "Base"),
    "Employer part": ("单位缴纳", "Parte del empleador"),
    "Personal part": ("个人缴纳", "Parte personal"),
    "Months in arrears: {months}": ("欠缴月份：{months}", "Meses con atrasos: {months}"),
    "Yearly totals": ("年度汇总", "Totales anuales"),
    "Year": ("年度", "Año"),
    "Months paid": ("缴费月数", "Meses pagados"),
    "Personal accounts": ("个人账户", "Cuentas personales"),
    "Balance": ("余额", "Saldo"),
    "Medical account entries": ("医保个人账户明细", "Movimientos de la cuenta médica"),
    "Date": ("日期", "Fecha"),
    "Kind": ("类型", "Tipo"),
    "Amount": ("金额", "Importe"),
    "Balance after": ("余额", "Saldo posterior"),
    "Where": ("机构", "Dónde"),
    "Benefits paid": ("待遇发放", "Prestaciones pagadas"),
    "Paid on": ("发放日期", "Pagada el"),
    "None.": ("无。", "Ninguno."),
    "Skip to the content": ("跳到正文", "Ir al contenido"),
    "Language": ("语言", "Idioma"),
    "pension": ("养老保险", "pensiones"),
    "medical": ("医疗保险", "médico"),
    "unemployment": ("失业保险", "desempleo"),
    "work injury": ("工伤保险", "accidentes de trabajo"),
    "maternity": ("生育保险", "maternidad"),
    "active": ("正常", "activa"),
    "lost": ("挂失", "perdida"),
    "frozen": ("冻结", "congelada"),
    "cancelled": ("注销", "anulada"),
    "replaced": ("已换卡", "sustituida"),
    "suspended": ("暂停", "suspendida"),
    "ended": ("终止", "terminada"),
    "insured": ("参保缴费", "asegurado"),
    "retired": ("退休", "jubilado"),
    "deceased": ("死亡", "fallecido"),
    "moved_out": ("转出", "trasladado"),
    "paid": ("已缴", "pagada"),
    "arrears": ("欠缴", "atrasos"),
    "back-paid": ("补缴", "pagada con atraso"),
    "no record": ("无缴费记录", "sin registro"),
    "contribution": ("缴费记账", "cotización"),
    "allocation": ("划入", "asignación"),
    "spending": ("支出", "gasto"),
    "interest": ("利息", "intereses"),
    "opening": ("上年结转", "saldo inicial"),
    "pension benefit": ("基本养老金", "pensión"),
    "unemployment benefit": ("失业保险金", "prestación por desempleo"),
    "Card {card} is lost: block it now.": (
        "卡号 {card} 的社保卡已丢失，立即挂失。",
        "La tarjeta {card} se ha perdido: bloquéela ahora.",
    ),
    "Only a counter can cancel a loss, with your ID card.": (
        "解除挂失须本人持身份证到服务窗口办理。",
        "Solo una ventanilla puede anular el bloqueo, con su documento de identidad.",
    ),
    "Report the card lost": ("挂失", "Declarar la tarjeta perdida"),
    "Verify a statement": ("对账单真伪验证", "Verificar un certificado"),
    "Type or paste the code printed under the statement QR code (it starts with CD1|).": (
        "请输入或粘贴对账单二维码下方印制的验证码（以 CD1| 开头）。",
        "Escriba o pegue el código impreso bajo el código QR del certificado (empieza por CD1|).",
    ),
    "Statement code": ("验证码", "Código del certificado"),
    "Verify": ("验证", "Verificar"),
    "Statement number": ("对账单编号", "Número del certificado"),
    "Printed at": ("打印时间", "Impreso el"),
    "Office": ("经办机构", "Oficina"),
    "Pages": ("页数", "Páginas"),
    "Genuine: headquarters confirms this statement.": (
        "真实：社保中心确认此对账单。",
        "Auténtico: la sede confirma este certificado.",
    ),
    "Not confirmed: treat the document as not genuine.": (
        "未能确认：请视为非真实文件。",
        "No confirmado: trate el documento como no auténtico.",
    ),
    # the downloaded rights record and the upload on the verification page
    "Personal rights record": ("个人权益记录", "Registro personal de derechos"),
    "Medical account statement": ("医保个人账户对账单", "Extracto de la cuenta médica"),
    "Certificate of contributions": ("参保缴费证明", "Certificado de cotizaciones"),
    "Daily report": ("日报表", "Informe diario"),
    "Audit extract": ("查询记录摘录", "Extracto de auditoría"),
    "Headquarters (online service)": ("社保中心（网上服务）", "Sede (servicio en línea)"),
    "Personal rights record (PDF)": ("个人权益记录（PDF）", "Registro personal de derechos (PDF)"),
    "The signed statement the counter prints, numbered by headquarters.": (
        "与窗口打印的相同、由社保中心编号并签章的权益记录。",
        "El mismo certificado firmado que imprime la ventanilla, numerado por la sede.",
    ),
    "Download the PDF": ("下载 PDF", "Descargar el PDF"),
    "Choose a year from the list.": ("请从列表中选择年份。", "Elija un año de la lista."),
    "There is nothing to state for {year}: no contributions and no benefits are "
    "recorded for that year. Choose another year.": (
        "{year} 年没有可出具的内容：该年度没有缴费记录，也没有待遇发放记录。请选择其他年份。",
        "No hay nada que certificar para {year}: ese año no tiene cotizaciones ni prestaciones "
        "registradas. Elija otro año.",
    ),
    "Or upload the statement": ("或上传对账单", "O suba el certificado"),
    "The PDF you downloaded, or a photo or scan of its QR code (PNG or JPEG, at most {mb} MB).": (
        "可上传下载的 PDF，或二维码的照片、扫描件（PNG 或 JPEG，不超过 {mb} MB）。",
        "El PDF descargado, o una foto o un escaneo de su código QR (PNG o JPEG, {mb} MB como "
        "máximo).",
    ),
    "Statement file": ("对账单文件", "Archivo del certificado"),
    "Upload and verify": ("上传并验证", "Subir y verificar"),
    "Choose a file to upload.": ("请选择要上传的文件。", "Elija un archivo para subir."),
    "The file is larger than {mb} MB: upload a smaller picture of the QR code.": (
        "文件超过 {mb} MB：请上传较小的二维码图片。",
        "El archivo supera {mb} MB: suba una imagen más pequeña del código QR.",
    ),
    "This kind of file cannot be read here: upload a PDF, PNG or JPEG file.": (
        "无法读取此类文件：请上传 PDF、PNG 或 JPEG 文件。",
        "Este tipo de archivo no se puede leer aquí: suba un archivo PDF, PNG o JPEG.",
    ),
    "The file could not be read as a picture or a PDF: it may be damaged.": (
        "无法将文件读取为图片或 PDF：文件可能已损坏。",
        "El archivo no se pudo leer como imagen ni como PDF: puede estar dañado.",
    ),
    "No QR code was found in the file: upload a sharper picture, or type the code.": (
        "文件中未找到二维码：请上传更清晰的图片，或手动输入验证码。",
        "No se encontró ningún código QR en el archivo: suba una imagen más nítida o escriba el "
        "código.",
    ),
    "Tick the box to confirm that the card is lost.": (
        "请勾选确认社保卡已丢失。",
        "Marque la casilla para confirmar que la tarjeta se ha perdido.",
    ),
    "This card cannot be reported lost here.": (
        "此卡无法在线挂失。",
        "Esta tarjeta no se puede declarar perdida aquí.",
    ),
}


MESSAGES.update(HOTLINE_MESSAGES)  # the hotline console's (hq/web/hotline_words.py)


def pick(requested: str | None, held: str = "") -> str:
    """The language to serve: the one asked for, else the session's, else zh."""
    for lang in (requested, held):
        if lang in LANGUAGES:
            return lang
    return DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """`_(msgid, **values)` for one language."""
    column = {"zh": 0, "es": 1}.get(lang)

    def _(msgid: str, **values: object) -> str:
        text = msgid if column is None else MESSAGES.get(msgid, (msgid, msgid))[column]
        return text.format(**values) if values else text

    return _
