"""The header search of coordinators and referrers: a request code, a youth's name or BSN, or
the youth's home municipality, within the referrals the user may see; one audit entry each.

What was searched for is never stored: the audit entry names the kind of search and the
number of hits (`object_type="search"`, `object_id="<kind>:<hits>"`), so the trail shows who
searched for identities and when, without keeping a name or a BSN in plain text next to it.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from stdnum.nl import bsn as bsn_check

from accounts.models import Role, User
from accounts.services import audit_record
from referrals.models import Referral
from referrals.selectors import referrals_for_user

MIN_LENGTH = 2
MAX_LENGTH = 100
# The roles that search at all; both may see the identity of the referrals in their scope
# (`youth_identity_for`), so both may search by and see a name. Providers, analysts and the
# privacy officer have no identity search: their page answers 404 (the privacy officer keeps
# its own search by code, on the audit trail).
SEARCHING_ROLES = (Role.COORDINATOR, Role.REFERRER)

# A request code as typed: ROP-2026-00012, rop 2026 00012, R-2026-0012, 2026-0012, r20260012,
# 00012 or 12. A leading letter prefix (r, rop) or a year followed by a separator makes it a
# code; nine bare digits are a BSN (see `classify`).
_CODE = re.compile(r"^(?:r(?:op)?)?[\s-]*(?:(\d{4})[\s-]+)?(\d{1,12})$", re.IGNORECASE)
_PREFIXED = re.compile(r"^r(?:op)?[\s-]*\d", re.IGNORECASE)
_BARE_DIGITS = re.compile(r"^\d+$")

# Accent folding in SQL without the `unaccent` extension (the application's database role
# may not create extensions): PostgreSQL's built-in translate() maps these letters one to one,
# and `fold` below does the same to the query in Python. Names are short and a region's
# referrals are a few thousand: no index is needed for a substring match.
_ACCENTED = "àáâãäåāèéêëēėęìíîïīįòóôõöōùúûüūýÿñçćčšžøł"
_UNDECOMPOSED = str.maketrans("øł", "ol")  # letters without a combining accent in NFKD


class Kind(StrEnum):
    CODE = "code"
    BSN = "bsn"
    TEXT = "text"  # a name, or the name of the youth's home municipality


def fold(text: str) -> str:
    """Lower case without accents, as `_folded` does in SQL."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_UNDECOMPOSED)


_PLAIN = "".join(fold(letter) for letter in _ACCENTED)
assert len(_PLAIN) == len(_ACCENTED)  # translate() maps letter for letter


def _folded(path: str) -> Func:
    return Func(
        Lower(F(path)), Value(_ACCENTED), Value(_PLAIN), function="translate", output_field=None
    )


@dataclass(frozen=True)
class Query:
    kind: Kind
    text: str = ""
    year: str = ""  # code: "" when no year was typed
    number: int = 0
    error: str = ""


def classify(raw: str) -> Query:
    """What a typed query is; `error` is set (and nothing is searched) when it is unusable."""
    text = " ".join(raw.split())[:MAX_LENGTH]
    if len(text.replace(" ", "")) < MIN_LENGTH and not _BARE_DIGITS.match(text):
        return Query(kind=Kind.TEXT, text=text, error=_("Typ minimaal 2 tekens."))
    compact = text.replace(" ", "").replace("-", "")
    if _BARE_DIGITS.match(compact) and len(compact) == 9 and not _PREFIXED.match(text):
        if not bsn_check.is_valid(compact):
            return Query(
                kind=Kind.BSN,
                error=_("Dit BSN klopt niet (elfproef). Controleer de negen cijfers."),
            )
        return Query(kind=Kind.BSN, text=compact)
    match = _CODE.match(text)
    if match is not None:
        year, number = match.group(1) or "", match.group(2)
        if not year and len(number) >= 8 and _PREFIXED.match(text):
            # r20260012: the year and the number written together behind the prefix.
            year, number = number[:4], number[4:]
        return Query(kind=Kind.CODE, text=text, year=year, number=int(number))
    return Query(kind=Kind.TEXT, text=text)


@dataclass
class SearchResult:
    query: Query
    referrals: QuerySet[Referral] = field(default_factory=Referral.objects.none)


def _matching(scope: QuerySet[Referral], query: Query) -> QuerySet[Referral]:
    if query.kind == Kind.CODE:
        year = query.year or "[0-9]{4}"
        return scope.filter(code__regex=rf"^ROP-{year}-0*{query.number}$")
    if query.kind == Kind.BSN:
        return scope.filter(youth__bsn=query.text)
    folded = scope.alias(
        _given=_folded("youth__given_name"),
        _family=_folded("youth__family_name"),
        _municipality=_folded("youth__municipality__name"),
    )
    words = fold(query.text).split()
    by_name = Q()
    for word in words:  # "sanne de vries": every word in the given or the family name
        by_name &= Q(_given__contains=word) | Q(_family__contains=word)
    return folded.filter(by_name | Q(_municipality=fold(query.text)))


def search_referrals(*, user: User, raw: str) -> SearchResult:
    """The referrals in the user's scope that the query names, newest first, for a search page
    (count and page: two queries whatever the hits). One audit entry per search that ran."""
    query = classify(raw)
    if query.error or user.role not in SEARCHING_ROLES:
        return SearchResult(query=query)
    found = (
        _matching(referrals_for_user(user=user), query)
        .select_related("youth__municipality", "current_analysis")
        .only(
            "code",
            "status",
            "status_changed_at",
            "youth__given_name",
            "youth__family_name",
            "youth__municipality__name",
            "current_analysis__needed_care_forms",
        )
        .order_by("-status_changed_at", "-id")
    )
    return SearchResult(query=query, referrals=found)


def audit_search(*, user: User, kind: Kind, hits: int) -> None:
    """One entry for one search: its kind and number of hits, not what was typed."""
    audit_record(
        user=user, action="referral.search", object_type="search", object_id=f"{kind}:{hits}"
    )
