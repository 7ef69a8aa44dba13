"""Real-scene text (the ``vocab`` realism option): what signs, shop fronts and labels show.

:class:`SceneText` draws one token or short line of a language per call, a weighted mix of
kinds (:data:`SHARES`): single corpus words in sign casing, short lines, brand-like names,
numbers, prices, dates, times, opening hours, phone numbers, web addresses, percentages and
quantities, each in the language's own style (decimal comma and ``€`` after the amount in fr/de,
``円``/``¥`` in ja, ``원``/``₩`` in ko, ``年月日`` dates in zh/ja...).

The shares follow the ICDAR 2015 training word crops (1,346 words of ``shared/real``): 99 %
single words, 55 % UPPERCASE, 24 % Title Case, 14 % lower case, 8 % holding a digit, 9 % holding
punctuation (``. - ' % ! $ # , & /``); median 5 characters. So single words dominate (about
three quarters of the draws hold no space) and scene words are cased 55/30/15. Every template
and word list is cut to the language's charset when built, so each draw lies within it.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from ppocr_bench.text.corpus import load_words
from ppocr_bench.text.langs import NUMBER_FORMATS, SEPARATORS

#: Kind -> share of the draws (sums to 1).
SHARES: dict[str, float] = {
    "word": 0.42, "line": 0.10, "brand": 0.12, "number": 0.05, "price": 0.07, "date": 0.04,
    "time": 0.03, "hours": 0.03, "phone": 0.02, "web": 0.05, "percent": 0.04, "quantity": 0.03,
}
#: UPPER, Title, as in the corpus (lower case): the casing shares of scene words and lines.
CASES = (0.55, 0.30, 0.15)
WORD_TEMPER = 0.4  # scene words drawn with weight count**0.4: content words, not just "the"
CJK = {"zh", "ja", "ko"}

_LATIN_WD = {"en": "Mon Tue Wed Thu Fri Sat Sun", "fr": "lun. mar. mer. jeu. ven. sam. dim.",
             "de": "Mo Di Mi Do Fr Sa So"}
_STYLE: dict[str, dict[str, tuple[str, ...]]] = {
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
}
_ONSETS = tuple("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl fr gl gr kr pl pr sh sk "
                "sl sp st tr".split())
_VOWELS = tuple("a e i o u a e i o u ai ea ou io y".split())
_CODAS = ("", "", "", "", "n", "r", "s", "l", "x", "m", "k", "t")
_QUANTITIES = (100, 200, 250, 330, 500, 750, 1, 1.5, 2, 5, 10, 12, 20, 24, 50)
_FIELD = re.compile(r"\{[^}]*\}")


def ascii_fold(word: str) -> str:
    """``word`` in lower-case ASCII letters and digits (accents dropped, ß -> ss, œ -> oe)."""
    word = word.lower().replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii() and c.isalnum())


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


class SceneText:
    """Real-scene text of one language (see the module docstring); every character of a draw
    is in ``allowed`` (the language's charset plus space)."""

    def __init__(self, lang: str, allowed: frozenset[str]) -> None:
        self.lang, self.allowed, self.cjk = lang, allowed, lang in CJK
        self.thousands, self.decimal = SEPARATORS[lang]
        style = dict(_STYLE[lang])
        style["phone"] = (*NUMBER_FORMATS[lang]["phone"], *style["phone"])
        self.style = {k: tuple(v for v in vs if set(_FIELD.sub("", v)) <= allowed)
                      for k, vs in style.items()}
        words, counts = load_words(lang)
        latin = np.array([w.isascii() and w.isalpha() for w in words])
        long = np.array([len(w) >= 2 for w in words])
        native = ~latin if self.cjk else long
        self._words, self._cum = self._pool(words, counts, native, 2 if self.cjk else 3)
        self._latin, self._latin_cum = self._pool(words, counts, latin & long, 3)
        self._kana = [chr(c) for c in range(0x30A2, 0x30F4) if chr(c) in allowed
                      and chr(c) not in "ァィゥェォッャュョヮ"] if lang == "ja" else []
        tables = {"quantity": "unit", "word": None, "line": None, "brand": None, "web": None}
        kinds = [k for k in SHARES if tables.get(k, k) is None or self.style[tables.get(k, k)]]
        self.kinds = tuple(kinds)
        self._kind_cum = np.cumsum([SHARES[k] for k in kinds]) / sum(SHARES[k] for k in kinds)

    @staticmethod
    def _pool(words: tuple[str, ...], counts: np.ndarray, keep: np.ndarray, full: int
              ) -> tuple[list[str], np.ndarray]:
        """The words ``keep`` selects and their cumulative weights (shorter than ``full``
        characters: less often)."""
        chosen = [w for w, k in zip(words, keep) if k]
        short = np.array([len(w) < full for w in chosen], dtype=bool)
        weights = counts[keep] ** WORD_TEMPER * np.where(short, 0.3, 1.0)
        return chosen, np.cumsum(weights)

    def __call__(self, rng: np.random.Generator) -> str:
        return self.sample(rng)[1]

    def sample(self, rng: np.random.Generator, kind: str | None = None) -> tuple[str, str]:
        """(kind, text): one draw, of ``kind`` (one of :data:`SHARES`) or of a kind drawn by
        the shares. A draw that leaves the charset (casing can) is drawn again; after four
        tries, a corpus word as it is."""
        pick = kind
        for _ in range(4):
            if kind is None:
                pick = self.kinds[min(int(np.searchsorted(self._kind_cum, rng.random(), "right")),
                                      len(self.kinds) - 1)]
            text = " ".join(getattr(self, f"_{pick}")(rng).split())
            if text and self.allowed.issuperset(text):
                return str(pick), text
        return "word", self._draw(rng)

    # ------------------------------------------------------------------ pieces
    def _draw(self, rng: np.random.Generator, latin: bool = False) -> str:
        words, cum = self._words, self._cum
        if latin and self._latin:
            words, cum = self._latin, self._latin_cum
        pick = int(np.searchsorted(cum, rng.random() * cum[-1], "right"))
        return words[min(pick, len(words) - 1)]

    def _cased(self, rng: np.random.Generator, words: list[str]) -> list[str]:
        """Sign casing (:data:`CASES`) of the Latin words (CJK words have none)."""
        u = float(rng.random())
        if u < CASES[0]:
            return [w.upper() if w.isascii() or not self.cjk else w for w in words]
        if u < CASES[0] + CASES[1]:
            return [_upper_first(w) for w in words]
        return words

    def _term(self, rng: np.random.Generator) -> str:
        """A native word, or in CJK languages a Latin one a fifth of the time."""
        return self._draw(rng, latin=self.cjk and rng.random() < 0.2)

    def _pick(self, rng: np.random.Generator, key: str) -> str:
        options = self.style[key]
        return options[int(rng.integers(len(options)))]

    def _group(self, value: int) -> str:
        return f"{value:,}".replace(",", self.thousands)

    def _dec(self, value: float, places: int = 1) -> str:
        return f"{value:.{places}f}".replace(".", self.decimal)

    def _syllables(self, rng: np.random.Generator) -> str:
        parts = rng.integers(0, 1000, (int(rng.integers(2, 4)), 3))
        return "".join(_ONSETS[a % len(_ONSETS)] + _VOWELS[b % len(_VOWELS)]
                       + _CODAS[c % len(_CODAS)] for a, b, c in parts.tolist())

    def _stem(self, rng: np.random.Generator) -> str:
        """A lower-case ASCII name: invented from syllables or folded from corpus words."""
        u = rng.random()
        if u < 0.5 or not self._latin and self.cjk:
            return self._syllables(rng)
        source = (lambda: self._draw(rng, latin=True)) if self.cjk else (lambda: self._draw(rng))
        stem = ascii_fold(source())
        if u > 0.8:
            stem += ("-" if u > 0.93 else "") + ascii_fold(source())
        return stem or self._syllables(rng)

    # ------------------------------------------------------------------ kinds
    def _word(self, rng: np.random.Generator) -> str:
        word = self._cased(rng, [self._term(rng)])[0]
        u = rng.random()
        return word + ("!" if u < 0.025 else "." if u < 0.04 else ":" if u < 0.05 else "")

    def _line(self, rng: np.random.Generator) -> str:
        count = 2 + int(rng.random() < 0.35) + int(rng.random() < 0.1)
        words = self._cased(rng, [self._term(rng) for _ in range(count)])
        sep = "" if self.lang in ("zh", "ja") and not all(w.isascii() for w in words) else " "
        text = sep.join(words)
        if rng.random() < 0.25:
            text += " " + self.sample(rng, ("number", "price", "percent")[int(rng.integers(3))])[1]
        return text

    def _brand(self, rng: np.random.Generator) -> str:
        u = rng.random()
        if self.cjk and u < 0.5:
            if self.lang == "ja" and u < 0.25:
                kana = "".join(rng.choice(self._kana, int(rng.integers(2, 5))).tolist())
                return kana + ("ー" if rng.random() < 0.3 and "ー" in self.allowed else "")
            return self._draw(rng) + self._draw(rng)
        two = rng.random() < 0.3
        parts = [self._stem(rng)] + ([self._stem(rng)] if two else [])
        case = rng.random()
        if case < 0.4:
            name = "".join(p.upper() for p in parts)
        elif case < 0.85:
            name = "".join(_upper_first(p) for p in parts)  # Title or CamelCase
        else:
            name = "".join(parts)
        return self._decorate(rng, name)

    def _decorate(self, rng: np.random.Generator, name: str) -> str:
        """Digits, a hyphen, an apostrophe, an ampersand or a bang, on 45 % of the names."""
        u, k = rng.random(), int(rng.integers(1, 100))
        upper = name.isupper()
        if u < 0.12:
            return (f"{name}{k}", f"{name} {k}", f"{chr(65 + k % 26)}{k % 10}", f"{k}{name}")[k % 4]
        if u < 0.20:
            other = self._stem(rng)
            return f"{name}-{other.upper() if upper else _upper_first(other)}"
        if u < 0.28:
            if self.lang == "fr" and k % 2:
                return f"L'{name}" if name[:1] in "AEIOUaeiou" else f"Chez {name}"
            return f"{name}'{'S' if upper else 's'}" if k % 3 else f"{name}'"
        if u < 0.35:
            a, b = chr(65 + k % 26), chr(65 + (k * 7) % 26)
            other = _upper_first(self._stem(rng))
            forms = (f"{a}&{b}", f"{name} & {other}", f"{name} & Co.", f"{a.lower()}&{b.lower()}s")
            return forms[k % 4]
        if u < 0.39:
            return f"{name}!"
        if u < 0.45 and len(name) > 2:
            return ".".join(name[:3].upper()) + "."
        return name

    def _fields(self, rng: np.random.Generator) -> dict[str, object]:
        u = rng.random(16).tolist()
        h, o, c = int(u[3] * 24), 6 + int(u[4] * 6), 17 + int(u[5] * 7)
        whole = int(10 ** (u[6] * 3.3))
        big = int(10 ** (2 + u[6] * 3.3)) // (10 if self.lang == "ja" else 100) * (
            10 if self.lang == "ja" else 100)
        cents = (99, 95, 50, 49, 0, int(u[7] * 100))[int(u[8] * 6)]
        wd = self.style.get("wd") or ("",)
        w1 = int(u[9] * 3)
        mon = self.style.get("mon") or ("",)
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
            "a": f"{self._group(whole)}{self.decimal}{cents:02d}", "w": self._group(whole),
            "ct": cents, "W": self._group(max(big, 100)),
            "n": 1 + int(10 ** (u[15] * 3.5)), "n2": 1 + int(10 ** (u[13] * 3)),
            "k": 1 + int(u[10] * 99), "k2": 1 + int(u[14] * 99),
            "L": chr(65 + int(u[11] * 26)), "l": chr(97 + int(u[11] * 6)),
            "big": self._group(1000 + int(10 ** (3 + u[12] * 3))),
            "p": 5 * (1 + int(u[7] * 18)) if u[8] < 0.8 else 1 + int(u[7] * 99),
            "x": self._dec(u[7] * 20),
            "z": self._dec(5 + u[7] * 4.5) if u[9] < 0.3 else str(1 + int(u[7] * 9)),
            "z1": 1 + int(u[7] * 9),
        }

    def _template(self, rng: np.random.Generator, key: str) -> str:
        return self._pick(rng, key).format(**self._fields(rng))

    def _number(self, rng: np.random.Generator) -> str:
        return self._template(rng, "number")

    def _price(self, rng: np.random.Generator) -> str:
        return self._template(rng, "price")

    def _date(self, rng: np.random.Generator) -> str:
        return self._template(rng, "date")

    def _time(self, rng: np.random.Generator) -> str:
        return self._template(rng, "time")

    def _hours(self, rng: np.random.Generator) -> str:
        return self._template(rng, "hours")

    def _percent(self, rng: np.random.Generator) -> str:
        return self._template(rng, "percent")

    def _quantity(self, rng: np.random.Generator) -> str:
        q = _QUANTITIES[int(rng.integers(len(_QUANTITIES)))]
        if rng.random() < 0.2:
            q = int(rng.integers(1, 1000))
        amount = self._dec(q) if isinstance(q, float) else str(q)
        unit, u = self._pick(rng, "unit"), rng.random()
        if u < 0.15:
            return f"{int(rng.integers(2, 13))}x{amount}{unit}"
        return f"{amount}{'' if u < 0.6 else ' '}{unit}"

    def _phone(self, rng: np.random.Generator) -> str:
        template = self._pick(rng, "phone")
        digits = iter(rng.integers(0, 10, template.count("D")).tolist())
        number = "".join(str(next(digits)) if ch == "D" else ch for ch in template)
        return self._pick(rng, "tel") + number

    def _web(self, rng: np.random.Generator) -> str:
        stem, tld, u = self._stem(rng), self._pick(rng, "tld"), rng.random()
        if u < 0.35:
            text = f"www.{stem}.{tld}"
        elif u < 0.6:
            text = f"{stem}.{tld}"
        elif u < 0.75:
            text = f"{self._pick(rng, 'user')}@{stem}.{tld}"
        elif u < 0.83:
            text = f"{'https' if rng.random() < 0.5 else 'http'}://www.{stem}.{tld}"
        elif u < 0.9:
            text = f"@{stem}"
        elif u < 0.95:
            text = f"#{_upper_first(stem) if rng.random() < 0.5 else stem}"
        else:
            text = f"www.{stem}.{tld}/{self._syllables(rng)}"
        return text.upper() if rng.random() < 0.15 else text
