"""The identifying-data check as properties (issue 18, point 9): every notation a referrer
types of a random youth's birth date, BSN, postcode or name is found, wherever it stands; and
text from a vocabulary without the youth's data is never a hit."""

import itertools
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from referrals.identifiers import MONTHS, ORDINALS, PARTICLES, WORD_NAMES, Youth, find_kinds

GIVEN = ["Sanne", "Thijs", "Zoë", "Mohammed", "Roos", "Iris", "Storm", "Lelie", "Daan", "Eva"]
FAMILY = ["Yilmaz", "Jansen", "Bos", "Visser", "de Vries", "van den Berg", "Bakker", "Çelik"]

FILLER = ["hij", "zij", "gaat", "naar", "school", "met", "een", "vriend", "en", "is", "blij"]
before = st.lists(st.sampled_from(FILLER), max_size=6).map(" ".join)
after = st.lists(st.sampled_from(FILLER), max_size=6).map(" ".join)


def embed(prefix: str, notation: str, suffix: str) -> str:
    # Mid-sentence: a name that is a word is written as a name only there.
    return f"Vandaag {prefix} {notation} {suffix}."


# --- birth dates ---------------------------------------------------------------------------


@st.composite
def date_notations(draw: st.DrawFn) -> tuple[date, str]:
    day = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 31)))
    d, m, y = day.day, day.month, day.year
    dd = draw(st.sampled_from([str(d), f"{d:02d}"]))
    mm = draw(st.sampled_from([str(m), f"{m:02d}"]))
    year = draw(st.sampled_from([str(y), f"{y % 100:02d}", f"'{y % 100:02d}", f"’{y % 100:02d}"]))
    sep1, sep2 = (
        draw(st.sampled_from(["-", "/", ".", " - ", " / "])),
        draw(st.sampled_from(["-", "/", "."])),
    )
    full, short = MONTHS[m - 1]
    month = draw(st.sampled_from([full, short, f"{short}.", full.upper(), full.capitalize()]))
    day_word = draw(
        st.sampled_from([str(d), f"{d:02d}", f"{d}e", f"{d}de", f"{d}ste", ORDINALS[d - 1]])
    )
    notation = draw(
        st.sampled_from(
            [
                f"{dd}{sep1}{mm}{sep2}{year}",
                f"{y}{sep1}{mm}{sep2}{dd}",
                f"{d:02d}{m:02d}{y}",
                f"{d:02d}{m:02d}{y % 100:02d}",
                f"{y}{m:02d}{d:02d}",
                f"{day_word} {month} {year}",
                f"{dd} {mm} {y}",
            ]
        )
    )
    return day, notation


@settings(max_examples=400)
@given(notation=date_notations(), prefix=before, suffix=after)
def test_every_birth_date_notation_is_found(
    notation: tuple[date, str], prefix: str, suffix: str
) -> None:
    day, text = notation
    youth = Youth(names=("Sanne",), birth_date=day)
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["birth_date"]


# --- BSN and postcode ----------------------------------------------------------------------

separators = st.sampled_from(["", " ", "  ", ".", "-", "/", " - ", ". "])


@settings(max_examples=300)
@given(
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    cuts=st.lists(st.integers(min_value=1, max_value=8), max_size=3, unique=True),
    seps=st.lists(separators, min_size=3, max_size=3),
    prefix=before,
    suffix=after,
)
def test_every_bsn_grouping_is_found(
    digits: str, cuts: list[int], seps: list[str], prefix: str, suffix: str
) -> None:
    text, last = "", 0
    for cut, sep in zip(sorted(cuts), seps, strict=False):
        text += digits[last:cut] + sep
        last = cut
    text += digits[last:]
    youth = Youth(names=("Sanne",), bsn=digits)
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["bsn"]


@settings(max_examples=300)
@given(
    number=st.integers(min_value=1000, max_value=9999),
    letters=st.text(alphabet="ABCDEFGHJKLMNPRSTVWXZ", min_size=2, max_size=2),
    sep=st.sampled_from(["", " ", "  ", "-", " - ", "."]),
    upper=st.booleans(),
    prefix=before,
    suffix=after,
)
def test_every_postcode_notation_is_found(
    number: int, letters: str, sep: str, upper: bool, prefix: str, suffix: str
) -> None:
    youth = Youth(names=("Sanne",), postcode=f"{number} {letters}")
    text = f"{number}{sep}{letters if upper else letters.lower()}"
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["postcode"]


# --- names ---------------------------------------------------------------------------------


@st.composite
def name_notations(draw: st.DrawFn) -> tuple[Youth, str]:
    given_name, family_name = draw(st.sampled_from(GIVEN)), draw(st.sampled_from(FAMILY))
    youth = Youth(names=(given_name, family_name), full_names=(f"{given_name} {family_name}",))
    core = family_name.split()[-1]
    particles = " ".join(family_name.split()[:-1])
    candidates = [
        f"{given_name} {family_name}",
        f"{given_name} {core}",
        f"{given_name.lower()} {family_name.lower()}",
        f"{core}, {given_name}",
        f"{given_name} {family_name}s",
    ]
    for part in (given_name, core):
        # A part written as a name mid-sentence, also possessive; lower case only when the
        # part is not an ordinary word as well.
        candidates += [part, f"{part}'s", f"{part}’s", f"{part}s" if part[-1] != "s" else part]
        if part[-1] in "sxz":
            candidates.append(f"{part}'")
        if part.lower() not in WORD_NAMES and f"{part.lower()}s" not in WORD_NAMES:
            candidates += [part.lower(), part.upper(), f"{part.lower()}s"]
    if particles:
        candidates.append(f"{particles.capitalize()} {core}")
    return youth, draw(st.sampled_from(candidates))


@settings(max_examples=400)
@given(notation=name_notations(), prefix=before, suffix=after)
def test_every_name_notation_is_found(
    notation: tuple[Youth, str], prefix: str, suffix: str
) -> None:
    youth, text = notation
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["name"]


# --- nothing else is a hit -----------------------------------------------------------------

# Ordinary words, the word-names among them, numbers and dates that are not the youth's.
VOCABULARY = [
    *FILLER,
    *sorted(WORD_NAMES)[:60],
    "wandelt",
    "graag",
    "in",
    "het",
    "de",
    "van",
    "bos",
    "roos",
    "12",
    "2010",
    "4-3-2011",
    "3-4-2011",
    "3 april 2011",
    "1235 AB",
    "1234 AC",
    "111222334",
    "sanneke",
    "thijsje",
]


@st.composite
def clean_texts(draw: st.DrawFn) -> str:
    sentences = draw(
        st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=10), max_size=5)
    )
    # Ordinary writing: lower case, a capital only at the start of a sentence.
    return " ".join(" ".join(words).capitalize() + "." for words in sentences)


YOUTHS = [
    Youth(
        names=("Roos", "Bos", "Sanne de Vries"),
        full_names=("Roos Bos",),
        bsn="111222333",
        birth_date=date(2011, 3, 3),
        postcode="1234 AB",
    ),
    Youth(
        names=("Thijs", "van den Berg", "Iris Visser"),
        full_names=("Thijs van den Berg",),
        bsn="111222333",
        birth_date=date(2011, 3, 3),
        postcode="1234 AB",
    ),
]


@settings(max_examples=400)
@given(text=clean_texts(), youth=st.sampled_from(YOUTHS))
def test_text_without_the_youths_data_is_never_a_hit(text: str, youth: Youth) -> None:
    # Two parts of one full name side by side are that name ("bos roos"), not clean text.
    words = [w for w in text.lower().replace(".", "").split() if w not in PARTICLES]
    parts = {p.lower() for full in youth.full_names for p in full.split()}
    assume(not any(a in parts and b in parts for a, b in itertools.pairwise(words)))
    assert find_kinds(text=text, youth=youth) == []
