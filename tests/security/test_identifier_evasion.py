"""The identifying-data check against deliberate evasion (issue 24, point 11): a name, birth
date, BSN or postcode with invisible characters inside, with letters from another script
that look alike, in full-width letters, or a name spelled out in single letters, is still
found; and the folding finds nothing in ordinary text ("e.v.a.", "d.w.z.")."""

import itertools
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from referrals.identifiers import PARTICLES, Youth, find_identifiers, find_kinds, fold
from tests.referrals.test_identifiers_property import (
    FAMILY,
    GIVEN,
    YOUTHS,
    after,
    before,
    clean_texts,
    date_notations,
    embed,
    name_notations,
)

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff", "\u2060", "\u2063", "\x00"]
# Latin letter → letters of another script that look the same (independent of the code's table).
LOOK_ALIKES = {
    "a": "аα", "c": "с", "e": "е", "i": "іι", "j": "ј", "o": "оο", "p": "рρ", "s": "ѕ",
    "x": "хχ", "y": "у", "v": "ν", "k": "κ",
    "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ", "J": "Ј", "K": "КΚ",
    "M": "МΜ", "N": "Ν", "O": "ОΟ", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "Y": "УΥ",
    "Z": "Ζ",
}  # fmt: skip


@st.composite
def with_invisibles(draw: st.DrawFn, text: str) -> str:
    positions = draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=4))
    chars = list(text)
    for position in sorted(positions, reverse=True):
        chars.insert(position, draw(st.sampled_from(INVISIBLE)))
    return "".join(chars)


@st.composite
def with_look_alikes(draw: st.DrawFn, text: str) -> str:
    replaceable = [i for i, c in enumerate(text) if c in LOOK_ALIKES]
    assume(replaceable)
    chosen = draw(st.lists(st.sampled_from(replaceable), min_size=1, max_size=4, unique=True))
    chars = list(text)
    for i in chosen:
        chars[i] = draw(st.sampled_from(LOOK_ALIKES[chars[i]]))
    return "".join(chars)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def disguised(draw: st.DrawFn, text: str) -> str:
    how = draw(st.sampled_from(["invisible", "look-alike", "both", "full-width"]))
    if how in ("look-alike", "both") and any(c in LOOK_ALIKES for c in text):
        text = draw(with_look_alikes(text))
    if how in ("invisible", "both"):
        text = draw(with_invisibles(text))
    if how == "full-width":
        text = full_width(text)
    return text


@settings(max_examples=400)
@given(data=st.data(), notation=name_notations(), prefix=before, suffix=after)
def test_a_disguised_name_is_found(
    data: st.DataObject, notation: tuple[Youth, str], prefix: str, suffix: str
) -> None:
    youth, text = notation
    text = data.draw(disguised(text))
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["name"]


@settings(max_examples=300)
@given(data=st.data(), notation=date_notations(), prefix=before, suffix=after)
def test_a_disguised_birth_date_is_found(
    data: st.DataObject, notation: tuple[date, str], prefix: str, suffix: str
) -> None:
    day, text = notation
    text = data.draw(disguised(text))
    youth = Youth(names=("Sanne",), birth_date=day)
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["birth_date"]


@settings(max_examples=200)
@given(
    data=st.data(),
    digits=st.text(alphabet="0123456789", min_size=9, max_size=9),
    number=st.integers(min_value=1000, max_value=9999),
    letters=st.text(alphabet="ABCEHKMNPSTXZ", min_size=2, max_size=2),
)
def test_a_disguised_bsn_or_postcode_is_found(
    data: st.DataObject, digits: str, number: int, letters: str
) -> None:
    youth = Youth(names=("Sanne",), bsn=digits, postcode=f"{number} {letters}")
    bsn = data.draw(disguised(digits))
    postcode = data.draw(disguised(f"{number} {letters}"))
    assert find_kinds(text=embed("", bsn, ""), youth=youth) == ["bsn"]
    assert find_kinds(text=embed("", postcode, ""), youth=youth) == ["postcode"]


SPACERS = [" ", ".", "-", ". ", " - ", "  "]


@settings(max_examples=300)
@given(
    given_name=st.sampled_from(GIVEN),
    family_name=st.sampled_from(FAMILY),
    which=st.sampled_from(["given", "family", "full"]),
    spacer=st.sampled_from(SPACERS),
    prefix=before,
    suffix=after,
)
def test_a_name_spelled_in_single_letters_is_found(
    given_name: str, family_name: str, which: str, spacer: str, prefix: str, suffix: str
) -> None:
    youth = Youth(names=(given_name, family_name), full_names=(f"{given_name} {family_name}",))
    core = family_name.split()[-1]
    # A dotted abbreviation stays as it is: "E.v.a" is "e.v.a." (see the clean texts below).
    assume(not ("." in spacer and "eva" in (given_name.lower(), core.lower())))
    words = {"given": [given_name], "family": [core], "full": [given_name, core]}[which]
    word_gap = "   " if spacer != "   " else " / "
    text = word_gap.join(spacer.join(word) for word in words)
    assert find_kinds(text=embed(prefix, text, suffix), youth=youth) == ["name"]


@pytest.mark.parametrize(
    "text",
    [
        "Ging met S a n n e naar school.",
        "Ging met S.a.n.n.e naar school.",
        "Ging met S-a-n-n-e naar school.",
        "Ging met S. a. n. n. e. naar school.",
        "Ging met S\u200banne naar school.",
        "Ging met San\u00adne naar school.",
        "Ging met Ѕаnnе naar school.",  # Cyrillic Ѕ, а, е
        "Ging met Ｓａｎｎｅ naar school.",
        "Ging met ΒΟS naar school.",  # Greek capitals
        "Geboren op 20110403.",
        "Geboren op 2011\u200b0403.",
    ],
)
def test_the_examples_of_the_issue(text: str) -> None:
    youth = Youth(names=("Sanne", "Bos"), full_names=("Sanne Bos",), birth_date=date(2011, 4, 3))
    found = find_identifiers(texts={"current_situation": text}, youth=youth)
    assert list(found) == ["current_situation"]
    # The message names the kind of hit, never the hit.
    assert all("Sanne" not in m and "2011" not in m for m in found["current_situation"])


def test_fold() -> None:
    assert fold("S\u200banne Ја\u00adnsen") == "Sanne Jansen"
    assert fold("Zoë Çelik") == "Zoe Celik"
    assert fold("regel 1\nregel\t2") == "regel 1\nregel\t2"  # whitespace is kept


# --- no false positives from the folding ----------------------------------------------------

ABBREVIATIONS = ["e.v.a.", "d.w.z.", "m.a.w.", "i.p.v.", "o.a.", "i.v.m.", "t.z.t.", "z.s.m."]
EVA = Youth(names=("Eva", "Daan de Vries"), full_names=("Eva Jansen",), bsn="111222333")


@st.composite
def clean_texts_with_abbreviations(draw: st.DrawFn) -> str:
    text = draw(clean_texts())
    words = text.split()
    extras = draw(st.lists(st.sampled_from([*ABBREVIATIONS, "u", "a"]), max_size=4))
    for extra in extras:
        words.insert(draw(st.integers(0, len(words))), extra)
    return " ".join(words)


@settings(max_examples=400)
@given(data=st.data(), text=clean_texts_with_abbreviations(), youth=st.sampled_from([*YOUTHS, EVA]))
def test_ordinary_text_stays_clean_after_folding(
    data: st.DataObject, text: str, youth: Youth
) -> None:
    words = [w for w in text.lower().replace(".", "").split() if w not in PARTICLES]
    parts = {p.lower() for full in youth.full_names for p in full.split()}
    assume(not any(a in parts and b in parts for a, b in itertools.pairwise(words)))
    assert find_kinds(text=text, youth=youth) == []
    # Soft hyphens and zero-width spaces of a copied text change nothing either.
    assert find_kinds(text=data.draw(with_invisibles(text)), youth=youth) == []
