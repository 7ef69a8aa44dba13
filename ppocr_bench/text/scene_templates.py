"""The templates of real-scene text (:mod:`ppocr_bench.text.scene_text`) and what fills them.

- :data:`STYLES`: per language, the templates of each kind of token (dates, times, opening
  hours, prices, numbers, percentages, phone numbers) and the words they take (month and
  weekday names, units, phone prefixes, top-level domains, mail users), each in the language's
  own style (decimal comma and ``€`` after the amount in fr/de, ``円``/``¥`` in ja, ``원``/``₩``
  in ko, ``年月日`` dates in zh/ja...);
- :func:`template_fields`: the values a template's ``{fields}`` take, from 16 uniform numbers;
- the syllables invented names are built of (:data:`ONSETS`, :data:`VOWELS`, :data:`CODAS`)
  and the amounts of quantities (:data:`QUANTITIES`).
"""

from __future__ import annotations

import re

_LATIN_WD = {"en": "Mon Tue Wed Thu Fri Sat Sun", "fr": "lun. mar. mer. jeu. ven. sam. dim.",
             "de": "Mo Di Mi Do Fr Sa So"}
#: Language -> table -> its templates (or words), before they are cut to a charset.
STYLES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "mon": tuple("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()),
        "wd": tuple(_LATIN_WD["en"].split()),
        "date": ("{m:02d}/{d:02d}/{y}", "{m}/{d}/{y2:02d}", "{y}-{m:02d}-{d:02d}", "{mon} {d}, {y}",
                 "{d} {MON} {y}", "{MON} {d}", "{wd} {mon} {d}", "{MON} {y}"),
        "time": ("{h}:{mi:02d}", "{h:02d}:{mi:02d}", "{h12}:{mi:02d} {AP}", "{h12}:{mi:02d}{ap}",
                 "{h12}{ap}", "{h12} {AP}"),
        "hours": ("{o}:{om:02d}-{c}:{cm:02d}", "{o}AM-{c12}PM", "{o}am - {c12}pm",
                  "{w1}-{w2} {o}-{c12}", "{W1}-{W2} {o}:{om:02d}-{c}:{cm:02d}",
                  "OPEN {o}AM-{c12}PM",
                  "Open {o}-{c12}", "OPEN 24 HOURS", "Open 7 Days", "24/7", "HOURS {o}-{c12}"),
        "price": ("${a}", "${w}", "${a}", "£{a}", "€{a}", "US${a}", "${a}/lb", "ONLY ${a}",
                  "{a} USD"),
        "number": ("{n}", "{n}", "{n}{L}", "No. {k}", "#{k}", "{k}-{k2}", "{n}/{n2}", "{big}",
                   "{L}{k}"),
        "percent": ("{p}%", "-{p}%", "{p}% OFF", "UP TO {p}% OFF", "SAVE {p}%", "{p}% off", "{x}%"),
        "unit": ("ml", "mL", "L", "l", "g", "kg", "mg", "m", "cm", "mm", "km", "oz", "lb", "GB",
                 "W", "V", "mAh", "pcs", "ft"),
        "tel": ("", "", "Tel: ", "TEL ", "Call ", "PH: "),
        "phone": ("1-800-DDD-DDDD", "DDD.DDD.DDDD"),
        "tld": ("com", "com", "com", "net", "org", "co.uk", "io", "us"),
        "user": ("info", "contact", "hello", "shop", "sales", "mail", "service", "support"),
    },
    "fr": {
        "mon": tuple("janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()),
        "wd": tuple(_LATIN_WD["fr"].split()),
        "date": ("{d:02d}/{m:02d}/{y}", "{d}/{m}/{y2:02d}", "{d} {mon} {y}", "{wd} {d} {mon}",
                 "{d:02d}.{m:02d}.{y2:02d}", "{y}-{m:02d}-{d:02d}", "{d} {MON}"),
        "time": ("{h}h{mi:02d}", "{h}h", "{h:02d}:{mi:02d}", "{h}H{mi:02d}", "{h} h {mi:02d}"),
        "hours": ("{o}h-{c}h", "{o}h{om:02d} - {c}h{cm:02d}", "{w1}-{w2} {o}h-{c}h",
                  "Ouvert {o}h-{c}h", "OUVERT 7J/7", "7j/7", "24h/24", "Horaires : {o}h-{c}h",
                  "{o}:{om:02d}-{c}:{cm:02d}"),
        "price": ("{a} €", "{a}€", "{w} €", "{w}€{ct:02d}", "€{a}", "{a} EUR",
                  "{w},-€"),
        "number": ("{n}", "{n}", "{n}{L}", "n° {k}", "N°{k}", "{big}", "{L}{k}", "{n} bis"),
        "percent": ("-{p}%", "-{p} %", "{p} %", "SOLDES -{p}%", "jusqu'à -{p}%", "{x} %"),
        "unit": ("ml", "cl", "L", "l", "g", "kg", "mg", "m", "cm", "mm", "km", "Go", "W", "V"),
        "tel": ("", "", "Tél. ", "Tél : ", "TEL "),
        "phone": ("0D.DD.DD.DD.DD",),
        "tld": ("fr", "fr", "com", "net", "eu"),
        "user": ("contact", "info", "bonjour", "accueil", "service", "commande"),
    },
    "de": {
        "mon": tuple("Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.".split()),
        "wd": tuple(_LATIN_WD["de"].split()),
        "date": ("{d:02d}.{m:02d}.{y}", "{d}.{m}.{y2:02d}", "{d}. {mon} {y}",
                 "{wd}, {d:02d}.{m:02d}.", "{y}-{m:02d}-{d:02d}", "{d:02d}.{m:02d}.", "{d}. {MON}"),
        "time": ("{h}:{mi:02d} Uhr", "{h:02d}:{mi:02d}", "{h}.{mi:02d} Uhr", "{h} Uhr",
                 "{h:02d}.{mi:02d}"),
        "hours": ("{o}-{c} Uhr", "{o}:{om:02d}-{c}:{cm:02d}", "{w1}-{w2} {o}-{c} Uhr",
                  "{w1}.-{w2}. {o}-{c}", "Geöffnet {o}-{c} Uhr", "Öffnungszeiten {o}-{c}",
                  "24 Std. geöffnet", "GEÖFFNET", "{W1}-{W2} {o}.{om:02d}-{c}.{cm:02d}"),
        "price": ("{a} €", "€ {a}", "{w},- €", "{w},-", "EUR {a}", "{a} EUR", "{a}€"),
        "number": ("{n}", "{n}", "{n}{l}", "Nr. {k}", "{big}", "{L}{k}", "{k}-{k2}"),
        "percent": ("-{p}%", "{p} %", "{p}% RABATT", "SALE -{p}%", "bis zu {p}%", "{x} %"),
        "unit": ("ml", "L", "l", "g", "kg", "mg", "m", "cm", "mm", "km", "GB", "W", "V"),
        "tel": ("", "", "Tel. ", "Telefon ", "Fon: "),
        "phone": ("0DDD / DDDDDD", "0DDD-DDDDDD"),
        "tld": ("de", "de", "com", "at", "ch", "net"),
        "user": ("info", "kontakt", "service", "post", "mail", "bestellung"),
    },
    "zh": {
        "wd": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
        "date": ("{y}年{m}月{d}日", "{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}", "{m}月{d}日",
                 "{m}月{d}日 {wd}", "{y}-{m:02d}-{d:02d}", "{m}.{d}"),
        "time": ("{h}:{mi:02d}", "{h:02d}:{mi:02d}", "上午{h12}:{mi:02d}", "下午{h12}点",
                 "{h}点{mi}分"),
        "hours": ("营业时间 {o}:{om:02d}-{c}:{cm:02d}", "{o}:{om:02d}-{c}:{cm:02d}",
                  "{o}:00～{c}:00", "24小时营业", "全天营业", "周一至周五 {o}:00-{c}:00"),
        "price": ("¥{a}", "￥{a}", "{w}元", "{a}元", "RMB {a}", "¥{w}", "特价{w}元"),
        "number": ("{n}", "{n}", "{k}号", "第{k}", "{k}楼", "{L}{k}", "{big}", "{k}号楼"),
        "percent": ("{p}%", "{z}折", "全场{z}折", "-{p}%", "{p}%OFF"),
        "unit": ("ml", "g", "kg", "L", "克", "千克", "斤", "升", "毫升", "米", "公里", "件",
                 "个"),
        "tel": ("", "", "电话：", "电话 ", "TEL:", "热线 "),
        "phone": ("400-DDD-DDDD",),
        "tld": ("cn", "com", "com.cn", "net"),
        "user": ("info", "service", "kefu", "sales", "contact"),
    },
    "ja": {
        "wd": ("月", "火", "水", "木", "金", "土", "日"),
        "date": ("{y}年{m}月{d}日", "{y}/{m:02d}/{d:02d}", "{m}月{d}日({wd})", "{y}.{m}.{d}",
                 "{m}/{d}({wd})"),
        "time": ("{h}:{mi:02d}", "{h}時{mi}分", "午前{h12}時", "午後{h12}:{mi:02d}",
                 "{h}時"),
        "hours": ("営業時間 {o}:{om:02d}～{c}:{cm:02d}", "{o}:00-{c}:00",
                  "{o}:{om:02d}～{c}:{cm:02d}", "年中無休", "24時間営業", "定休日 {wd}曜日", "OPEN {o}:00"),
        "price": ("{W}円", "¥{W}", "￥{W}", "{W}円(税込)", "税込{W}円", "{W}円~",
                  "¥{W}-"),
        "number": ("{n}", "{n}", "{k}番", "{k}号", "第{k}", "{L}{k}", "{k}階", "{big}"),
        "percent": ("{p}%OFF", "{p}％OFF", "{z1}割引", "{p}%", "最大{p}%OFF"),
        "unit": ("ml", "g", "kg", "L", "個", "枚", "本", "cm", "mm"),
        "tel": ("", "", "TEL ", "電話 ", "TEL."),
        "phone": ("0120-DDD-DDD",),
        "tld": ("jp", "co.jp", "com", "ne.jp"),
        "user": ("info", "support", "contact", "shop"),
    },
    "ko": {
        "wd": ("월", "화", "수", "목", "금", "토", "일"),
        "date": ("{y}년 {m}월 {d}일", "{y}.{m:02d}.{d:02d}", "{m}.{d}({wd})",
                 "{m}월 {d}일({wd})", "{y}. {m}. {d}."),
        "time": ("{h}:{mi:02d}", "오전 {h12}시", "오후 {h12}:{mi:02d}", "{h}시 {mi}분",
                 "{h}시"),
        "hours": ("영업시간 {o}:{om:02d}~{c}:{cm:02d}", "{o}:00 - {c}:00", "연중무휴",
                  "24시간 영업", "OPEN {o}:00", "매일 {o}:00~{c}:00"),
        "price": ("{W}원", "₩{W}", "{W}원~", "KRW {W}", "{W}원 할인"),
        "number": ("{n}", "{n}", "{k}번", "{k}호", "제{k}", "{k}층", "{L}{k}", "{big}"),
        "percent": ("{p}%", "{p}% 할인", "최대 {p}%", "{p}% OFF", "~{p}%"),
        "unit": ("ml", "g", "kg", "L", "개", "병", "cm", "km"),
        "tel": ("", "", "전화 ", "TEL. ", "Tel "),
        "phone": ("1588-DDDD", "031-DDD-DDDD"),
        "tld": ("kr", "co.kr", "com", "net"),
        "user": ("info", "help", "cs", "contact"),
    },
    "ru": {
        "mon": tuple("янв. февр. марта апр. мая июня июля авг. сент. окт. нояб. дек.".split()),
        "wd": tuple("Пн Вт Ср Чт Пт Сб Вс".split()),
        "date": ("{d:02d}.{m:02d}.{y}", "{d}.{m:02d}.{y2:02d}", "{d} {mon} {y} г.",
                 "{wd}, {d:02d}.{m:02d}", "{y}-{m:02d}-{d:02d}", "{d} {MON}"),
        "time": ("{h}:{mi:02d}", "{h:02d}:{mi:02d}", "{h} ч {mi:02d} мин", "в {h}:{mi:02d}"),
        "hours": ("{o}:{om:02d}-{c}:{cm:02d}", "с {o}:00 до {c}:00", "{w1}-{w2} {o}-{c}",
                  "Ежедневно {o}:00-{c}:00", "КРУГЛОСУТОЧНО", "24 часа",
                  "Режим работы: {o}-{c}", "{W1}-{W2} {o}:{om:02d}-{c}:{cm:02d}"),
        "price": ("{a} ₽", "{w} ₽", "{w} руб.", "{w}₽", "{w} р.", "{a} руб.", "ЦЕНА {w} ₽",
                  "{w},-"),
        "number": ("{n}", "{n}", "№ {k}", "№{k}", "{big}", "{k}-{k2}", "д. {k}", "кв. {k}",
                   "{L}{k}"),
        "percent": ("-{p}%", "{p}%", "СКИДКА {p}%", "скидки до {p}%", "{x}%"),
        "unit": ("мл", "л", "г", "кг", "мг", "м", "см", "мм", "км", "шт.", "ГБ", "Вт", "В"),
        "tel": ("", "", "Тел. ", "тел.: ", "ТЕЛ. "),
        "phone": ("8-800-DDD-DD-DD", "+7 DDD DDD DD DD"),
        "tld": ("ru", "ru", "com", "рф", "net", "su"),
        "user": ("info", "zakaz", "mail", "support", "office", "sales"),
    },
}
#: The parts of the syllables invented (brand-like) names are made of.
ONSETS = tuple("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl fr gl gr kr pl pr sh sk "
               "sl sp st tr".split())
VOWELS = tuple("a e i o u a e i o u ai ea ou io y".split())
CODAS = ("", "", "", "", "n", "r", "s", "l", "x", "m", "k", "t")
#: The usual amounts of a quantity (``500ml``, ``1.5L``...).
QUANTITIES = (100, 200, 250, 330, 500, 750, 1, 1.5, 2, 5, 10, 12, 20, 24, 50)
#: A template's ``{field}`` (with its format spec).
FIELD = re.compile(r"\{[^}]*\}")


def template_fields(u: list[float], lang: str, style: dict[str, tuple[str, ...]],
                    thousands: str, decimal: str) -> dict[str, object]:
    """The value of every ``{field}`` of the templates of ``lang`` (``style``: its
    :data:`STYLES` tables as cut to its charset), from the 16 uniform numbers ``u``;
    ``thousands`` separates digit groups, ``decimal`` the decimals."""
    h, o, c = int(u[3] * 24), 6 + int(u[4] * 6), 17 + int(u[5] * 7)
    whole = int(10 ** (u[6] * 3.3))
    big = int(10 ** (2 + u[6] * 3.3)) // (10 if lang == "ja" else 100) * (
        10 if lang == "ja" else 100)
    cents = (99, 95, 50, 49, 0, int(u[7] * 100))[int(u[8] * 6)]
    wd = style.get("wd") or ("",)
    w1 = int(u[9] * 3)
    mon = style.get("mon") or ("",)
    return {
        "y": 2000 + int(u[0] * 31), "m": 1 + int(u[1] * 12), "d": 1 + int(u[2] * 31),
        "y2": int(u[0] * 31), "mon": mon[int(u[1] * len(mon))],
        "MON": mon[int(u[1] * len(mon))].upper(), "wd": wd[int(u[9] * len(wd))],
        "w1": wd[w1], "w2": wd[4 + int(u[10] * 3)], "W1": wd[w1].upper(),
        "W2": wd[4 + int(u[10] * 3)].upper(),
        "h": h, "h12": 1 + (h + 11) % 12,
        "mi": (0, 0, 15, 30, 45, int(u[11] * 60))[int(u[12] * 6)],
        "ap": "am" if h < 12 else "pm", "AP": "AM" if h < 12 else "PM",
        "o": o, "om": (0, 0, 30)[int(u[13] * 3)], "c": c, "c12": c - 12,
        "cm": (0, 0, 30)[int(u[14] * 3)],
        "a": f"{group_digits(whole, thousands)}{decimal}{cents:02d}",
        "w": group_digits(whole, thousands),
        "ct": cents, "W": group_digits(max(big, 100), thousands),
        "n": 1 + int(10 ** (u[15] * 3.5)), "n2": 1 + int(10 ** (u[13] * 3)),
        "k": 1 + int(u[10] * 99), "k2": 1 + int(u[14] * 99),
        "L": chr(65 + int(u[11] * 26)), "l": chr(97 + int(u[11] * 6)),
        "big": group_digits(1000 + int(10 ** (3 + u[12] * 3)), thousands),
        "p": 5 * (1 + int(u[7] * 18)) if u[8] < 0.8 else 1 + int(u[7] * 99),
        "x": decimal_text(u[7] * 20, decimal),
        "z": decimal_text(5 + u[7] * 4.5, decimal) if u[9] < 0.3 else str(1 + int(u[7] * 9)),
        "z1": 1 + int(u[7] * 9),
    }


def group_digits(value: int, thousands: str) -> str:
    """``value`` with its digit groups separated by ``thousands``."""
    return f"{value:,}".replace(",", thousands)


def decimal_text(value: float, decimal: str, places: int = 1) -> str:
    """``value`` with ``places`` decimals after the ``decimal`` mark."""
    return f"{value:.{places}f}".replace(".", decimal)
