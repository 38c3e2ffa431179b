"""The identifying-data check: every notation, whole words, accents, and as a property."""

from datetime import date
from typing import Any

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


# --- issue 18, point 9: names that are words, and the notations referrers type ------------

ROOS = Youth(
    names=("Roos", "Bos", "Sanne de Vries", "Thijs"),
    full_names=("Roos Bos",),
    bsn="111222333",
    birth_date=date(2011, 3, 3),
    postcode="1234 AB",
)
NAME = "Bevat de naam van de jongere of van een ouder/gezaghebbende."


def roos_hits(text: str) -> list[str]:
    return find_identifiers(texts={"field": text}, youth=ROOS).get("field", [])


@pytest.mark.parametrize(
    "text",
    [
        "Wandelt graag in het bos",
        "Bos is mooi.",
        "Het is rustig. Bos en hei liggen dichtbij.",
        "Kreeg een roos van haar oma.",
        "- Bos: wandelen\n- Roos: tekenen",  # line starts
        "Het bosje achter de school.",
    ],
)
def test_a_name_that_is_a_word_passes_as_the_word(text: str) -> None:
    assert roos_hits(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Roos Bos wandelt graag.",
        "roos bos wandelt graag.",
        "ROOS BOS",
        "Bos, Roos (2011)",
        "ging met Bos mee",
        "Het gesprek met Roos verliep goed.",
        "De kamer van Roos' broer.",
    ],
)
def test_a_name_that_is_a_word_is_a_hit_as_a_name(text: str) -> None:
    assert roos_hits(text) == [NAME]


@pytest.mark.parametrize(
    "text",
    ["Sannes kamer", "sanne's kamer", "Sanne’s kamer", "Thijs' fiets", "thijs zijn fiets"],
)
def test_a_name_that_is_not_a_word_is_a_hit_anywhere_and_in_the_possessive(text: str) -> None:
    assert roos_hits(text) == [NAME]


@pytest.mark.parametrize(
    "text",
    [
        "3-3-11",
        "03-03-'11",
        "3/3/11",
        "3.3.2011",
        "3 - 3 / 2011",
        "3 3 2011",
        "03032011",
        "030311",
        "20110303",
        "3 maart '11",
        "3e maart 2011",
        "3de mrt. 2011",
        "3ste maart 2011",
        "derde maart 2011",
        "3 maart, 2011",
    ],
)
def test_compact_short_and_ordinal_birth_dates_are_found(text: str) -> None:
    assert roos_hits(f"geboren {text}.") == ["Bevat de geboortedatum van de jongere."]


@pytest.mark.parametrize("text", ["13-3-11", "3-3-12", "3 maart 2012", "vierde maart 2011"])
def test_nearby_dates_are_not_the_birth_date(text: str) -> None:
    assert roos_hits(text) == []


@pytest.mark.parametrize(
    "text", ["111 222 333", "111  222  333", "111/222/333", "111-222.333", "1112 22 333"]
)
def test_bsn_with_any_separators(text: str) -> None:
    assert roos_hits(f"BSN {text}") == ["Bevat het BSN van de jongere."]


@pytest.mark.parametrize("text", ["1234-AB", "1234 ab", "1234  AB", "1234AB", "1234.ab"])
def test_postcode_with_any_separator(text: str) -> None:
    assert roos_hits(f"woont op {text}") == ["Bevat de postcode van de jongere."]


def test_the_hit_itself_is_never_in_the_message() -> None:
    found = find_identifiers(texts={"a": "Roos Bos, 111222333, 3-3-11, 1234AB"}, youth=ROOS)["a"]
    assert len(found) == 4
    for fact in ("Roos", "Bos", "111222333", "3-3-11", "1234", "2011"):
        assert all(fact not in message for message in found)


# --- the field is named: API path, the field on the step, the field on the review page -----


def _roos_bos_referral(make_referral: Any, explaining: str) -> Any:
    from tests.referrals.conftest import complete_payload

    payload = complete_payload()
    youth = {**payload["youth"], "given_name": "Roos", "family_name": "Bos"}
    analysis = {**payload["explanatory_analysis"], "explaining_factors": explaining}
    return make_referral(youth=youth, explanatory_analysis=analysis)


@pytest.mark.django_db
def test_a_word_that_is_the_name_does_not_block_submission(
    cast: Any, make_referral: Any, api_client_for: Any
) -> None:
    referral = _roos_bos_referral(make_referral, "Wandelt graag in het bos.")
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 200, response.json()


@pytest.mark.django_db
def test_the_api_error_names_the_field(cast: Any, make_referral: Any, api_client_for: Any) -> None:
    referral = _roos_bos_referral(make_referral, "Ging vaak met Bos mee naar het bos.")
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["errors"] == {"explanatory_analysis.explaining_factors": [NAME]}
    referral.refresh_from_db()
    assert referral.status == "draft"


@pytest.mark.django_db
def test_the_review_page_names_the_field_not_only_the_step(cast: Any, make_referral: Any) -> None:
    from django.test import Client

    referral = _roos_bos_referral(make_referral, "Ging vaak met Bos mee.")
    client = Client()
    client.force_login(cast.referrer)
    response = client.post(f"/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Verklarende analyse – Verklarende factoren</a>: " + NAME in page
    assert "Bos mee" not in page.split('data-testid="submit-problems"')[1].split("</div>")[0]


@pytest.mark.django_db
def test_the_inline_check_puts_the_error_beside_the_field(cast: Any, make_referral: Any) -> None:
    from django.test import Client

    referral = _roos_bos_referral(make_referral, "Wandelt graag in het bos.")
    client = Client()
    client.force_login(cast.referrer)
    response = client.post(
        f"/referrals/{referral.pk}/edit/analysis/",
        {"explaining_factors": "Ging vaak met Bos mee.", "protective_factors": "Het bos."},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    explaining = page.split('data-field="explaining_factors"')[1].split("data-field=")[0]
    protective = page.split('data-field="protective_factors"')[1].split("data-field=")[0]
    assert NAME in explaining
    assert NAME not in protective
