"""The hotline console's messages: English msgids with zh (the default) and es, merged into
`hq.web.i18n.MESSAGES` (kept apart so that the self-query's table and this one merge easily)."""

from __future__ import annotations

HOTLINE_MESSAGES: dict[str, tuple[str, str]] = {  # msgid: (zh, es)
    "12333 hotline desk": ("12333 热线坐席", "Centralita 12333"),
    "Agent sign-in": ("坐席登录", "Acceso de agente"),
    "Username": ("用户名", "Usuario"),
    "Password": ("密码", "Contraseña"),
    "The username or the password is wrong.": (
        "用户名或密码错误。",
        "El usuario o la contraseña no son correctos.",
    ),
    "{n} tries left before the account locks.": (
        "还可尝试 {n} 次，之后账号将被锁定。",
        "Le quedan {n} intentos antes de que la cuenta se bloquee.",
    ),
    "Too many wrong passwords: this account is locked until {until}.": (
        "密码错误次数过多，账号已锁定至 {until}。",
        "Demasiadas contraseñas incorrectas: la cuenta está bloqueada hasta {until}.",
    ),
    "This account is disabled.": ("此账号已停用。", "Esta cuenta está desactivada."),
    "This account may not use the hotline console.": (
        "此账号无权使用热线坐席。",
        "Esta cuenta no puede usar la centralita.",
    ),
    "Signed in as {agent}": ("坐席：{agent}", "Agente: {agent}"),
    "Find the caller": ("查找来电人", "Buscar a quien llama"),
    "ID number or card number": ("身份证号码或社保卡号", "Número de identidad o de tarjeta"),
    "Type an ID number (18 characters) or a card number (9 letters or digits).": (
        "请输入身份证号码（18位）或社保卡号（9位字母或数字）。",
        "Escriba un número de identidad (18 caracteres) o de tarjeta (9 letras o cifras).",
    ),
    "Purpose of the call": ("来电事由", "Motivo de la llamada"),
    "Contributions": ("缴费查询", "Cotizaciones"),
    "Medical account": ("医保个人账户", "Cuenta médica"),
    "Card": ("社保卡", "Tarjeta"),
    "Pension": ("养老金", "Pensión"),
    "Other": ("其他", "Otro"),
    "Find": ("查找", "Buscar"),
    "Nobody has this number in any district: check it with the caller.": (
        "全市均无此号码，请与来电人核对。",
        "Nadie tiene este número en ningún distrito: compruébelo con quien llama.",
    ),
    "The caller": ("来电人", "Quien llama"),
    "Not verified: only the card states are shown until the caller is verified.": (
        "尚未核验身份：核验前仅显示社保卡状态。",
        "Sin verificar: hasta verificar a quien llama solo se muestra el estado de las tarjetas.",
    ),
    "Verify with the query password": ("以查询密码核验", "Verificar con la contraseña de consulta"),
    "The query password the caller types on the phone keypad": (
        "来电人在电话键盘上输入的查询密码",
        "La contraseña de consulta que quien llama marca en el teclado del teléfono",
    ),
    "Verify with two questions": ("以两个问题核验", "Verificar con dos preguntas"),
    "Which employer do you work for?": ("您的工作单位是？", "¿Para qué empleador trabaja?"),
    "What was your personal contribution last month, in yuan?": (
        "上月个人缴费金额是多少元？",
        "¿Cuánto fue su cotización personal el mes pasado, en yuanes?",
    ),
    "The password is wrong.": ("密码错误。", "La contraseña no es correcta."),
    "The answers are not right.": ("回答不正确。", "Las respuestas no son correctas."),
    "The caller's query password is locked until {until} after too many wrong tries. "
    "Any social insurance counter can unlock it with the caller's ID card.": (
        "来电人的查询密码因错误次数过多已锁定至 {until}。本人可持身份证到任一社保服务窗口解锁。",
        "La contraseña de consulta de quien llama está bloqueada hasta {until} por demasiados "
        "intentos fallidos. Cualquier ventanilla puede desbloquearla con su documento de "
        "identidad.",
    ),
    "The caller has not chosen a query password yet: verify with the questions.": (
        "来电人尚未设置查询密码（仍为初始密码）：请以问题核验。",
        "Quien llama aún no ha elegido contraseña de consulta: verifique con las preguntas.",
    ),
    "The record cannot answer the questions: verify with the query password.": (
        "记录无法回答这些问题：请以查询密码核验。",
        "El registro no puede responder a las preguntas: verifique con la contraseña.",
    ),
    "Verified by the query password.": ("已通过查询密码核验。", "Verificado con la contraseña."),
    "Verified by the questions.": ("已通过问题核验。", "Verificado con las preguntas."),
    "The caller's record": ("来电人社保信息", "Registro de quien llama"),
    "Only a counter can cancel a loss, with the holder's ID card.": (
        "解除挂失须本人持身份证到服务窗口办理。",
        "Solo una ventanilla puede anular el bloqueo, con el documento de identidad del titular.",
    ),
    "The card was reported lost. The offices of the district see it at their next sync.": (
        "已挂失。所属区的经办机构将在下次同步时收到。",
        "La tarjeta se ha declarado perdida. Las oficinas del distrito lo verán en su próxima "
        "sincronización.",
    ),
    "Note and end the call": ("记录并结束通话", "Anotar y terminar la llamada"),
    "Outcome (at most {n} characters)": (
        "处理结果（不超过 {n} 字）",
        "Resultado (máximo {n} caracteres)",
    ),
    "Save the note and end the call": ("保存记录并结束通话", "Guardar la nota y terminar"),
    "The call was noted.": ("通话已记录。", "La llamada se ha anotado."),
    "Write the outcome of the call.": ("请填写处理结果。", "Escriba el resultado de la llamada."),
    "No call is open.": ("没有进行中的通话。", "No hay ninguna llamada abierta."),
    "Back to the console": ("返回坐席首页", "Volver a la centralita"),
    "Verify the caller first.": ("请先核验来电人身份。", "Verifique primero a quien llama."),
    "Card states": ("社保卡状态", "Estado de las tarjetas"),
}
