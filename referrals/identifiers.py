"""The identifying-data check: finds a youth's name, BSN, birth date or postcode in free text.

Anonymised offers are only safe when the free text that goes to providers holds none of
these. The check compares on a normalised form (lower case, accents removed) and reports
the kind of hit per field, never the hit itself.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

# Dutch name particles: never searched on their own ("de" is in every sentence).
PARTICLES = frozenset(
    {"de", "den", "der", "van", "het", "t", "'t", "ter", "ten", "te", "in", "op", "la", "le"}
    | {"du", "da", "di", "del", "des", "von", "zu", "el", "al", "bin", "ben", "uit", "aan"}
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


@dataclass(frozen=True)
class Youth:
    """What identifies the youth, as far as it is known."""

    names: tuple[str, ...] = ()  # the youth's given and family name, the guardians' names
    bsn: str = ""
    birth_date: date | None = None
    postcode: str = ""


def normalise(text: str) -> str:
    """Lower case without accents: 'Zoë Çelik' → 'zoe celik'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _whole_words(phrase: str) -> str:
    words = [re.escape(word) for word in phrase.split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Each full name, and each of its parts that is not a particle or initial."""
    phrases: set[str] = set()
    for name in names:
        clean = " ".join(normalise(name).split())
        if len(clean) < 2:
            continue
        phrases.add(clean)
        for part in re.split(r"[\s\-]+", clean):
            part = part.strip(".,'")
            if len(part) >= 2 and part not in PARTICLES:
                phrases.add(part)
    return [re.compile(_whole_words(phrase)) for phrase in sorted(phrases)]


def bsn_pattern(bsn: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", bsn)
    if len(digits) < 8:
        return None
    # Digits may be grouped with spaces, dots or dashes: 123 456 782, 1234.56.782.
    body = r"[\s.\-]?".join(digits)
    return re.compile(r"(?<!\d)" + body + r"(?!\d)")


def birth_date_patterns(day: date) -> list[re.Pattern[str]]:
    d, m, y = day.day, day.month, day.year
    dd = rf"0?{d}"
    mm = rf"0?{m}"
    sep = r"\s*[\-/.]\s*"
    full, short = MONTHS[m - 1]
    month_names = rf"(?:{full}|{short}\.?)"
    return [
        # 03-05-2011, 3-5-2011, 3/5/2011, 03.05.2011
        re.compile(rf"(?<!\d){dd}{sep}{mm}{sep}{y}(?!\d)"),
        # 2011-05-03, 2011-5-3
        re.compile(rf"(?<!\d){y}{sep}{mm}{sep}{dd}(?!\d)"),
        # 3 mei 2011, 03 mei 2011, 3 mrt. 2011
        re.compile(rf"(?<!\d){dd}\s*{month_names}\s*{y}(?!\d)"),
    ]


def postcode_pattern(postcode: str) -> re.Pattern[str] | None:
    match = re.fullmatch(r"\s*([1-9][0-9]{3})\s*([a-zA-Z]{2})\s*", postcode)
    if match is None:
        return None
    digits, letters = match.group(1), match.group(2).casefold()
    return re.compile(rf"(?<!\w){digits}\s*{letters}(?!\w)")


def find_identifiers(*, texts: Mapping[str, str], youth: Youth) -> dict[str, list[str]]:
    """Per field of `texts` that holds identifying data: one Dutch message per kind of hit."""
    checks: list[tuple[str, list[re.Pattern[str]]]] = [
        (
            _("Bevat de naam van de jongere of van een ouder/gezaghebbende."),
            name_patterns(youth.names),
        ),
        (_("Bevat het BSN van de jongere."), [p for p in [bsn_pattern(youth.bsn)] if p]),
        (
            _("Bevat de geboortedatum van de jongere."),
            birth_date_patterns(youth.birth_date) if youth.birth_date else [],
        ),
        (
            _("Bevat de postcode van de jongere."),
            [p for p in [postcode_pattern(youth.postcode)] if p],
        ),
    ]
    found: dict[str, list[str]] = {}
    for field, text in texts.items():
        if not text:
            continue
        normal = normalise(text)
        for message, patterns in checks:
            if any(pattern.search(normal) for pattern in patterns):
                found.setdefault(field, []).append(message)
    return found
