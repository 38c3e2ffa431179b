"""The identifying-data check: every notation, whole words, accents, and as a property."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.identifiers import Youth, find_identifiers

YOUTH = Youth(
    names=("Zoë", "van den Berg", "Karin Smit"),
    bsn="111222333",
    birth_date=date(2011, 5, 3),
    postcode="3811 AB",
)


def hits(text: str) -> list[str]:
    return find_identifiers(texts={"field": text}, youth=YOUTH).get("field", [])


@pytest.mark.parametrize(
    "text",
    [
        "Zoe loopt vaak weg.",
        "ZOË loopt vaak weg.",
        "zoë loopt vaak weg.",
        "Het gezin Van den Berg is bekend.",
        "De familie Berg is bekend.",
        "Moeder (Karin) werkt.",
        "Mevrouw smit werkt.",
        "Contact: Karin   Smit.",
    ],
)
def test_names_are_found_case_and_accent_insensitive(text: str) -> None:
    assert hits(text) == ["Bevat de naam van de jongere of van een ouder/gezaghebbende."]


@pytest.mark.parametrize(
    "text",
    ["Zoëtermeer is ver weg.", "Een bergwandeling.", "De smid en de smitse.", "Van den ander."],
)
def test_names_only_as_whole_words(text: str) -> None:
    assert hits(text) == []


@pytest.mark.parametrize("text", ["BSN 111222333.", "bsn: 111 222 333", "111.222.333"])
def test_bsn_is_found(text: str) -> None:
    assert hits(text) == ["Bevat het BSN van de jongere."]


@pytest.mark.parametrize(
    "text",
    [
        "geboren 03-05-2011",
        "geboren 3-5-2011",
        "geboren 2011-05-03",
        "geboren 3 mei 2011",
        "geboren 03 MEI 2011",
        "geboren 3/5/2011",
        "geboren 03.05.2011",
    ],
)
def test_birth_date_is_found_in_each_notation(text: str) -> None:
    assert hits(text) == ["Bevat de geboortedatum van de jongere."]


@pytest.mark.parametrize("text", ["op 13-05-2011", "op 3-5-2012", "sinds 3 juni 2011"])
def test_other_dates_are_not_hits(text: str) -> None:
    assert hits(text) == []


@pytest.mark.parametrize("text", ["woont op 3811 AB", "woont op 3811AB", "postcode 3811ab."])
def test_postcode_is_found(text: str) -> None:
    assert hits(text) == ["Bevat de postcode van de jongere."]


def test_several_kinds_in_one_field_and_each_field_on_its_own() -> None:
    found = find_identifiers(
        texts={"a": "Zoë, 3811 AB", "b": "niets bijzonders", "c": "BSN 111222333"}, youth=YOUTH
    )
    assert set(found) == {"a", "c"}
    assert len(found["a"]) == 2


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,!?\n", max_size=60)
notations = st.sampled_from(
    [
        "Zoë",
        "zoe",
        "VAN DEN BERG",
        "Karin Smit",
        "111222333",
        "03-05-2011",
        "3-5-2011",
        "2011-05-03",
        "3 mei 2011",
        "3811 AB",
        "3811ab",
    ]
)


@given(before=words, notation=notations, after=words)
def test_an_identifier_is_found_wherever_it_stands(before: str, notation: str, after: str) -> None:
    text = f"{before} {notation} {after}"
    assert find_identifiers(texts={"x": text}, youth=YOUTH)


@given(text=st.text(max_size=300))
def test_the_check_never_fails_on_any_text(text: str) -> None:
    found = find_identifiers(texts={"x": text}, youth=YOUTH)
    assert set(found) <= {"x"}


@given(text=st.text(alphabet="xyqwjk .,", max_size=100))
def test_text_without_identifiers_is_clean(text: str) -> None:
    assert find_identifiers(texts={"x": text}, youth=YOUTH) == {}
