"""The identifying-data check: finds a youth's name, BSN, birth date or postcode in free text.

Anonymised offers are only safe when the free text that goes to providers holds none of
these. The check compares without accents and case and reports the kind of hit per field,
never the hit itself. It runs on every (inline) save, so the patterns of one youth are
compiled once and cached.

Names. Every part of a name (given name, family name, a guardian's name) counts, except
particles ("van", "de") and initials, as a whole word, in any case, also in the possessive
("Sannes", "Sanne's", "Thijs'"). A full name (given and family name, or a guardian's name of
two or more parts) counts in any case too, with or without its particles ("Roos Bos",
"Roos van den Bos", "Bos, Roos").

Names that are also ordinary words. A name part in `WORD_NAMES` ("Bos", "Roos", "Visser")
is an ordinary word in most sentences: "Wandelt graag in het bos" says nothing about the
youth. Such a part on its own is a hit only where it is written as a name: with a capital
letter in a position that is not the start of a sentence or line ("ging met Bos mee"). At the
start of a sentence ("Bos is mooi.") or in lower case it is the word and passes; as part of
the full name ("Roos Bos wandelt") it is a hit anywhere. The way out for the referrer is to
write the ordinary word in lower case. A possessive that is itself such a word (name "Bo",
"bos") follows the same rule.

Birth dates, with the day, month and year of birth:
  3-5-2011, 03-05-2011, 3/5/2011, 3.5.2011, 3 - 5 - 2011, mixed separators, 3 5 2011;
  3-5-11, 03/05/'11 (two-digit year, only with a separator);
  2011-05-03, 2011/5/3; 03052011, 030511, 20110503 (compact: zero-padded only);
  3 mei 2011, 3 mei '11, 3e/3de/3ste mei 2011, 3 mrt. 2011, derde mei 2011, 3 mei, 2011.
  Not caught: a day and month without year ("jarig op 3 mei": not identifying on its own)
  and unpadded compact forms ("3511"), which are too ambiguous to refuse a text for.
BSN: its nine digits with any of space, dot, dash or slash between them, up to three each.
Postcode: "1234AB", "1234 AB", "1234  ab", "1234-AB", "1234.AB".

Deliberate evasions (issue 24, point 11). Before the check the text is folded (`fold`):
Unicode compatibility form (NFKC: full-width and mathematical letters, ligatures), invisible
characters removed (format characters such as the zero-width space and joiner, soft hyphen,
word joiner and byte-order mark, and control characters other than whitespace), accents
removed, and Cyrillic and Greek letters that look like Latin ones folded to those (the table
`HOMOGLYPHS`), case kept. A name spelled in single letters ("S a n n e", "S.a.n.n.e",
"S-a-n-n-e", "S. a. n. n. e.") is also checked joined up; a common abbreviation written
with dots ("e.v.a.", "d.w.z.") is left as it is (so "E.v.a" is not found for an "Eva").
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext as _

# Dutch name particles: never searched on their own ("de" is in every sentence).
PARTICLES = frozenset(
    {"de", "den", "der", "van", "het", "t", "'t", "ter", "ten", "te", "in", "op", "la", "le"}
    | {"du", "da", "di", "del", "des", "von", "zu", "el", "al", "bin", "ben", "uit", "aan"}
)

# Name parts that are common Dutch words (lower case, without accents): family names from
# trades, nature, colours and places, given names that are flowers, birds, months or
# seasons, and words a short name becomes in the possessive ("Bo" → "bos"). Only words a
# referrer writes in ordinary sentences belong here: "smit" does not (the word is "smid"),
# nor "jansen" or "sanne". Keep it sorted by theme; a name not listed is a hit anywhere.
WORD_NAMES = frozenset(
    # trades and ranks
    {"bakker", "boer", "kok", "visser", "koning", "kuiper", "schipper", "molenaar", "jager"}
    | {"timmerman", "schilder", "brouwer", "koster", "koopman", "herder", "smid", "prins"}
    | {"keizer", "graaf", "ridder", "paus", "bisschop", "meester"}
    # landscape and places
    | {"bos", "berg", "beek", "dijk", "hoek", "veen", "brink", "dam", "dal", "heuvel", "veld"}
    | {"akker", "weide", "heide", "ven", "poel", "plas", "meer", "vliet", "gracht", "sloot"}
    | {"haven", "kade", "brug", "molen", "toren", "slot", "burg", "kamp", "hof", "kerk"}
    | {"laan", "wal", "weg", "straat", "plein", "huis", "stad", "dorp", "zee", "strand"}
    # trees, plants and flowers
    | {"boom", "eik", "beuk", "wilg", "linde", "es", "riet", "roos", "lelie", "iris", "bloem"}
    | {"jasmijn", "fleur", "tulp", "kers", "peer", "appel", "klaver"}
    # animals
    | {"vos", "wolf", "haas", "leeuw", "beer", "valk", "arend", "zwaan", "duif", "kraai"}
    | {"vink", "merel", "mees", "mus", "haan", "schaap", "mol", "das", "vis"}
    # colours, materials and qualities
    | {"zwart", "wit", "groen", "rood", "bruin", "blauw", "grijs", "goud", "zilver", "steen"}
    | {"jong", "oud", "groot", "klein", "lang", "kort", "sterk", "vroom", "amber"}
    | {"jade", "hart"}
    # time and weather
    | {"dag", "mei", "april", "juni", "winter", "zomer", "lente", "storm", "regen", "wind"}
    | {"zon", "maan", "ster", "hemel", "dauw"}
    # short words that are also possessives of short names
    | {"jas", "tas", "les", "pas", "kus", "bus", "dus", "als", "was", "ons"}
)

MONTHS = [
    ("januari", "jan"),
    ("februari", "feb"),
    ("maart", "mrt"),
    ("april", "apr"),
    ("mei", "mei"),
    ("juni", "jun"),
    ("juli", "jul"),
    ("augustus", "aug"),
    ("september", "sep"),
    ("oktober", "okt"),
    ("november", "nov"),
    ("december", "dec"),
]
# The day of the month as a Dutch ordinal word, without accents ("tweeëntwintigste").
ORDINALS = [
    "eerste",
    "tweede",
    "derde",
    "vierde",
    "vijfde",
    "zesde",
    "zevende",
    "achtste",
    "negende",
    "tiende",
    "elfde",
    "twaalfde",
    "dertiende",
    "veertiende",
    "vijftiende",
    "zestiende",
    "zeventiende",
    "achttiende",
    "negentiende",
    "twintigste",
    "eenentwintigste",
    "tweeentwintigste",
    "drieentwintigste",
    "vierentwintigste",
    "vijfentwintigste",
    "zesentwintigste",
    "zevenentwintigste",
    "achtentwintigste",
    "negenentwintigste",
    "dertigste",
    "eenendertigste",
]

_FLAGS = re.IGNORECASE
_POSSESSIVE = r"(?:['’`]s|['’`])?"
_POSSESSIVE_ANY = r"(?:['’`]s|['’`]|s)?"
_PARTICLE = "(?:" + "|".join(re.escape(p) for p in sorted(PARTICLES, key=len, reverse=True)) + ")"
# Between the words of a name: spaces or a hyphen, optionally with particles in between.
_NAME_GAP = rf"(?:[\s\-]+{_PARTICLE})*[\s\-]+"


@dataclass(frozen=True)
class Youth:
    """What identifies the youth, as far as it is known."""

    names: tuple[str, ...] = ()  # the youth's given and family name, the guardians' names
    bsn: str = ""
    birth_date: date | None = None
    postcode: str = ""
    full_names: tuple[str, ...] = ()  # the given name with the family name: "Roos van Bos"


def strip_accents(text: str) -> str:
    """Without accents, case kept: 'Zoë Çelik' → 'Zoe Celik'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Cyrillic and Greek letters that look like a Latin letter, folded to it (case kept). Only
# letters a reader takes for the Latin one at a glance; NFKC already folds full-width and
# mathematical letters.
HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic, lower case
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ё": "e", "ї": "i",
        # Cyrillic, upper case
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q",
        "Ԝ": "W", "Ӏ": "I",
        # Greek, upper case
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Greek, lower case
        "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
        "χ": "x",
        # Latin look-alikes NFKC keeps
        "ı": "i", "ȷ": "j",
    }
)  # fmt: skip


def _invisible(char: str) -> bool:
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Cc" and not char.isspace())


def fold(text: str) -> str:
    """The text as the check reads it, case kept: compatibility form (NFKC), invisible
    characters removed, accents removed, look-alike letters folded to Latin:
    'S\u200banne Ја\u00adnsen' → 'Sanne Jansen'."""
    composed = unicodedata.normalize("NFKC", text)
    visible = "".join(c for c in composed if not _invisible(c))
    return strip_accents(visible).translate(HOMOGLYPHS)


def normalise(text: str) -> str:
    """Folded and in lower case: 'Zoë Çelik' → 'zoe celik'."""
    return fold(text).casefold()


# Abbreviations of single letters with dots that ordinary Dutch text holds: never joined.
SINGLE_LETTER_ABBREVIATIONS = frozenset(
    {"eva", "dwz", "maw", "mbt", "ivm", "ipv", "tzt", "zsm", "nvt", "mvg", "tav", "muv"}
    | {"vwb", "iom", "ism", "aub", "nav", "obv", "olv", "tbv", "tov", "zoz", "ggz", "adhd"}
    | {"add", "odd", "pdd", "nos", "ivf", "cjg", "wmo", "ggd", "ovb", "vso", "pro", "mbo"}
    | {"hbo", "vmbo", "havo", "vwo", "bso", "kdv", "pgb", "oa", "as", "cq", "ed", "eo"}
)
# Three or more single letters, each separated by up to three spaces, dots or dashes.
_SPACED_LETTERS = re.compile(r"(?<!\w)(?:[^\W\d_][ .\-]{1,3}){2,}[^\W\d_](?!\w)")
_SPACED_GAP = re.compile(r"[ .\-]{1,3}")


def _join_spaced(match: re.Match[str]) -> str:
    run = match.group(0)
    gaps = _SPACED_GAP.findall(run)
    letters = _SPACED_GAP.split(run)
    # The most common gap joins letters; a wider one ("S a n n e  J a n s e n") parts words.
    joint = max(set(gaps), key=gaps.count)
    words: list[list[str]] = [[letters[0]]]  # per word: its letters and the gaps in it
    parting: list[str] = []
    for gap, letter in zip(gaps, letters[1:], strict=True):
        if gap == joint:
            words[-1] += [gap, letter]
        else:
            parting.append(gap)
            words.append([letter])
    out = []
    for word in words:
        spelled = "".join(word[::2])
        abbreviation = "." in joint and spelled.casefold() in SINGLE_LETTER_ABBREVIATIONS
        out.append("".join(word) if abbreviation else spelled)
    return "".join(w + g for w, g in zip(out, [*parting, ""], strict=True))


def join_spaced_letters(text: str) -> str:
    """Words spelled in single letters joined up: 'met S a n n e mee' → 'met Sanne mee'."""
    return _SPACED_LETTERS.sub(_join_spaced, text)


def _alternation(bodies: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for many whole-word bodies (one scan of the text instead of one each)."""
    unique = sorted(set(bodies), key=len, reverse=True)
    if not unique:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(unique) + r")(?!\w)", _FLAGS)


def _core_parts(name: str) -> list[str]:
    parts = [p.strip(".,'’`") for p in re.split(r"[\s\-]+", normalise(name))]
    return [p for p in parts if len(p) >= 2 and p not in PARTICLES]


@dataclass(frozen=True)
class _NamePatterns:
    anywhere: re.Pattern[str] | None  # a hit in any case, anywhere
    as_name: re.Pattern[str] | None  # a hit only capitalised, not at a sentence's start


def name_patterns(names: Iterable[str], full_names: Iterable[str] = ()) -> _NamePatterns:
    anywhere: list[str] = []
    as_name: list[str] = []
    for name in [*names, *full_names]:
        parts = _core_parts(name)
        if len(parts) >= 2:
            # The full name, with or without particles, also family name first.
            escaped = [re.escape(p) for p in parts]
            anywhere.append(_NAME_GAP.join(escaped) + _POSSESSIVE_ANY)
            reverse = [escaped[-1], *escaped[:-1]]
            anywhere.append(reverse[0] + r",?" + _NAME_GAP.join(["", *reverse[1:]]))
        for part in parts:
            body = re.escape(part)
            (as_name if part in WORD_NAMES else anywhere).append(body + _POSSESSIVE)
            # The possessive without apostrophe: "Sannes"; a word of its own ("Bo" → "bos")
            # follows the word rule.
            (as_name if f"{part}s" in WORD_NAMES or part in WORD_NAMES else anywhere).append(
                body + "s"
            )
    return _NamePatterns(anywhere=_alternation(anywhere), as_name=_alternation(as_name))


def _sentence_start(text: str, at: int) -> bool:
    """Whether position `at` starts the text, a line or a sentence (after . ! or ?)."""
    i = at - 1
    while i >= 0 and (text[i] in " \t\"'‘“(*•–-" or text[i] == "\u00a0"):
        i -= 1
    return i < 0 or text[i] in ".!?\n\r"


def _written_as_name(pattern: re.Pattern[str], text: str) -> bool:
    return any(
        text[m.start()].isupper() and not _sentence_start(text, m.start())
        for m in pattern.finditer(text)
    )


def bsn_pattern(bsn: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", bsn)
    if len(digits) < 8:
        return None
    # Any grouping: 123 456 782, 1234.56.782, 123-456-782, 123/456/782, 123  456 782.
    body = r"[\s./\-]{0,3}".join(digits)
    return re.compile(r"(?<!\d)" + body + r"(?!\d)")


def birth_date_patterns(day: date) -> list[re.Pattern[str]]:
    d, m, y = day.day, day.month, day.year
    dd, mm = rf"0?{d}", rf"0?{m}"
    yy = rf"['’`]?{y % 100:02d}"
    sep = r"\s*[\-/.]\s*"
    full, short = MONTHS[m - 1]
    month_name = rf"(?:{full}|{short}\.?|sept\.?)" if m == 9 else rf"(?:{full}|{short}\.?)"
    day_word = rf"(?:{dd}(?:\s*(?:e|de|ste|st)\b)?\.?|{ORDINALS[d - 1]})"
    bodies = [
        # 03-05-2011, 3/5/2011, 3.5.11, 03-05-'11, 3 5 2011
        rf"{dd}{sep}{mm}{sep}(?:{y}|{yy})",
        rf"{dd}\s+{mm}\s+{y}",
        # 2011-05-03, 2011/5/3
        rf"{y}{sep}{mm}{sep}{dd}",
        # compact: 03052011, 030511, 20110503
        rf"{d:02d}{m:02d}(?:{y}|{y % 100:02d})",
        rf"{y}{m:02d}{d:02d}",
        # 3 mei 2011, 3e mei '11, derde mei 2011, 3 mrt. 2011, 3 mei, 2011
        rf"{day_word}\s*{month_name}\s*,?\s*(?:{y}|{yy})",
    ]
    return [re.compile(rf"(?<![\d\w]){body}(?!\d)", _FLAGS) for body in bodies]


def postcode_pattern(postcode: str) -> re.Pattern[str] | None:
    match = re.fullmatch(r"\s*([1-9][0-9]{3})\s*([a-zA-Z]{2})\s*", postcode)
    if match is None:
        return None
    digits, letters = match.group(1), match.group(2)
    return re.compile(rf"(?<!\w){digits}[\s\-.]{{0,3}}{letters}(?!\w)", _FLAGS)


@dataclass(frozen=True)
class _Checks:
    names: _NamePatterns
    others: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]  # (kind, patterns)


@lru_cache(maxsize=512)
def _checks(youth: Youth) -> _Checks:
    bsn = bsn_pattern(youth.bsn)
    postcode = postcode_pattern(youth.postcode)
    return _Checks(
        names=name_patterns(youth.names, youth.full_names),
        others=(
            ("bsn", (bsn,) if bsn else ()),
            (
                "birth_date",
                tuple(birth_date_patterns(youth.birth_date)) if youth.birth_date else (),
            ),
            ("postcode", (postcode,) if postcode else ()),
        ),
    )


def _messages() -> dict[str, str]:
    return {
        "name": _("Bevat de naam van de jongere of van een ouder/gezaghebbende."),
        "bsn": _("Bevat het BSN van de jongere."),
        "birth_date": _("Bevat de geboortedatum van de jongere."),
        "postcode": _("Bevat de postcode van de jongere."),
    }


def find_kinds(*, text: str, youth: Youth) -> list[str]:
    """The kinds of identifying data in `text`: "name", "bsn", "birth_date", "postcode"."""
    if not text:
        return []
    checks = _checks(youth)
    plain = fold(text)
    joined = join_spaced_letters(plain)
    kinds: list[str] = []
    names = checks.names
    if any(
        (names.anywhere is not None and names.anywhere.search(variant))
        or (names.as_name is not None and _written_as_name(names.as_name, variant))
        for variant in dict.fromkeys((plain, joined))
    ):
        kinds.append("name")
    for kind, patterns in checks.others:
        if any(pattern.search(plain) for pattern in patterns):
            kinds.append(kind)
    return kinds


def find_identifiers(*, texts: Mapping[str, str], youth: Youth) -> dict[str, list[str]]:
    """Per field of `texts` that holds identifying data: one Dutch message per kind of hit."""
    messages = _messages()
    found: dict[str, list[str]] = {}
    for field, text in texts.items():
        kinds = find_kinds(text=text, youth=youth)
        if kinds:
            found[field] = [messages[kind] for kind in kinds]
    return found
