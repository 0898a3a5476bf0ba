"""A PDU, region or body whose only inspections are drafts appears on no public page,
filter, download or API answer, to the public or to a signed-in regional director.

Every URL pattern of the app is crawled (as tests/test_no_server_errors.py enumerates
them), with real values and the drafts' own slugs and ids, and then the filters and
downloads by their query strings. Admins see drafts on the manage pages and the admin
only, which are left out.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from inspections.models import ContextFigure, DataQualityNote, Finding, Section, Theme
from pdus.models import Body, Region
from ratings.models import Programme, Rating, Standard, StandardRating
from recommendations.models import Recommendation
from recommendations.roles import REGIONAL_DIRECTORS
from tests.factories import InspectionFactory, SourceDocumentFactory
from tests.recommendations.helpers import make_user, rec
from tests.test_no_server_errors import GROUP, fill, url_patterns

# Names found nowhere in the published data, so any sighting is a leak.
DRAFT_NAMES = ["Draftford", "Moorside", "Northmoor", "Secret draft figure"]
# The admin's pages and the entry pages are for admins, who see drafts; signing out
# would end the crawl's session.
NOT_PUBLIC = ("/admin/", "/manage/", "/accounts/logout/")

# Filters and downloads: what the URL patterns alone do not reach.
QUERIES = [
    "/?region=london",
    "/pdus/?format=csv",
    "/pdus/?region=london",
    "/compare/?region=london",
    "/compare/?region=london&format=csv",
    "/compare/?pdu=lambeth&pdu=newham&format=csv",
    "/tracker/?format=csv",
    "/tracker/?region=london",
    "/tracker/?addressee=pdu",
    "/explore/?q=staff",
    "/explore/?q=draftford",
    "/explore/?more=body",
    "/explore/?more=addressee",
    "/explore/?type=figure&more=body",
    "/explore/?format=json",
    "/explore/?format=csv",
    "/explore/?type=figure&format=json",
    "/explore/recurring/?format=json",
    "/explore/recurring/?format=csv",
    "/api/inspections/",
    "/api/bodies/",
    "/api/bodies/hmpps/",
    "/api/bodies/london-region/",
]


def draft_inspection(body, slug, words):
    """A draft inspection of `body` with a rating, findings, recommendations to the PDU,
    its region and HMPPS, a context figure and a data-quality note, all naming `words`."""
    document = SourceDocumentFactory(sha256="", title=f"Draft report on {words}")
    inspection = InspectionFactory(
        body=body,
        programme=Programme.objects.get(slug="pdu"),
        slug=slug,
        title=f"An inspection of probation services in: {words}",
        source_document=document,
        fieldwork_start=date(2024, 5, 13),
        is_published=False,
    )
    where = {"source_document": document, "source_section": "Draft", "source_line": 1}
    StandardRating.objects.create(
        inspection=inspection,
        standard=Standard.objects.get(programme__slug="pdu", code="1.1"),
        rating=Rating.GOOD,
        source_section="Ratings",
    )
    section = Section.objects.order_by("pk").first()
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            section=section,
            kind=kind,
            text=f"{words} staff said their workloads were manageable.",
            position=position,
            **where,
        )
        for position, kind in enumerate([Finding.Kind.STRENGTH, Finding.Kind.IMPROVEMENT], 1)
    )
    for number, addressee in enumerate(
        [body, Body.objects.get(slug="london-region"), Body.objects.get(slug="hmpps")], 1
    ):
        Recommendation.objects.create(
            inspection=inspection,
            number=number,
            position=number,
            addressee=addressee,
            addressee_label=addressee.name,
            text=f"make sure staff in {words} have manageable workloads",
            **where,
        )
    ContextFigure.objects.create(
        body=body,
        inspection=inspection,
        category=ContextFigure.Category.CASELOAD,
        label=f"Secret draft figure: people on probation in {words}",
        value=Decimal(1200),
        value_text="1,200",
        unit=ContextFigure.Unit.COUNT,
        **where,
    )
    DataQualityNote.objects.create(
        inspection=inspection,
        kind=DataQualityNote.Kind.OTHER,
        description=f"{words}: a draft note.",
        source_document=document,
    )
    return inspection


@pytest.fixture
def drafts(published_data):
    """A new London PDU and a new region's PDU, each inspected only in a draft; the
    London PDU has a profile figure of no inspection; Lambeth has a draft second
    inspection. Returns the values for the URL patterns' groups."""
    london = Region.objects.get(slug="london")
    draftford = Body.objects.create(
        name="Draftford PDU", short_name="Draftford", slug="draftford", kind="pdu", region=london
    )
    northmoor = Region.objects.create(name="Northmoor", slug="northmoor")
    moorside = Body.objects.create(
        name="Moorside PDU", short_name="Moorside", slug="moorside", kind="pdu", region=northmoor
    )
    first = draft_inspection(draftford, "draftford-pdu-2024", "Draftford")
    draft_inspection(moorside, "moorside-pdu-2024", "Moorside")
    lambeth_draft = draft_inspection(
        Body.objects.get(slug="lambeth"), "lambeth-pdu-2024", "the Secret draft figure"
    )
    profile = SourceDocumentFactory(sha256="", title="Draftford profile")
    ContextFigure.objects.create(
        body=draftford,
        category=ContextFigure.Category.STAFFING,
        label="Draftford probation officers in post",
        value=Decimal(40),
        value_text="40",
        unit=ContextFigure.Unit.COUNT,
        source_document=profile,
        source_section="Staffing",
    )
    return {
        "slug": [
            "lambeth",
            "lambeth-pdu-2022",
            "london",
            "2-2-assessment",
            Theme.objects.order_by("pk").first().slug,
            "draftford",
            "draftford-pdu-2024",
            "moorside",
            "northmoor",
            northmoor.bodies.get(kind="region").slug,
            lambeth_draft.slug,
        ],
        "programme": ["pdu"],
        "pk": [
            str(rec("lambeth-pdu-2022", 1).pk),
            str(Finding.objects.filter(inspection__slug="lambeth-pdu-2022").first().pk),
            str(first.recommendations.first().pk),
            str(first.findings.first().pk),
            str(lambeth_draft.findings.first().pk),
        ],
        "section": [Section.objects.order_by("pk").first().slug],
        "url": ["no-such-page/"],
    }


def public_paths(values) -> list[str]:
    """Every app URL pattern filled with each real value in turn."""
    paths = set()
    for regex, _callback in url_patterns():
        names = GROUP.findall(regex)
        path = fill(regex, dict.fromkeys(names, "x"))
        if path.startswith(NOT_PUBLIC):
            continue
        first = {name: values.get(name, ["1"])[0] for name in names}
        paths.add(fill(regex, first))
        for name in names:
            paths.update(fill(regex, {**first, name: v}) for v in values.get(name, ["1"]))
    return sorted(paths)


def clients(db):
    director = make_user("london-director", REGIONAL_DIRECTORS, Region.objects.get(slug="london"))
    signed_in = Client()
    signed_in.force_login(director)
    return {"signed out": Client(), "a regional director": signed_in}


def leaks(response, url) -> list[str]:
    """The drafts' names the answer shows, but for one the URL asked for itself (a page
    not found may repeat the address)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace").lower()
    return [n for n in DRAFT_NAMES if n.lower() in text and n.lower() not in url.lower()]


def test_the_drafts_are_there_to_hide(drafts):
    assert Body.objects.public().filter(slug__in=["draftford", "moorside"]).count() == 0
    assert not Region.objects.public().filter(slug="northmoor").exists()
    # Nothing inspected yet, or addressed by a published recommendation: still public.
    assert Region.objects.public().filter(slug="north-east").exists()
    assert Body.objects.public().filter(slug__in=["hmpps", "london-region", "lambeth"]).count() == 3


def test_no_public_page_shows_a_draft_only_pdu_or_region(drafts, db):
    found = {}
    for who, client in clients(db).items():
        for url in [*public_paths(drafts), *QUERIES]:
            response = client.get(url)
            assert response.status_code < 500, (who, url)
            if names := leaks(response, url):
                found[who, url] = names
    assert found == {}


@pytest.mark.parametrize(
    "url",
    [
        "/pdus/draftford/",
        "/pdus/draftford/profile/",
        "/pdus/moorside/",
        "/regions/northmoor/",
        "/inspections/draftford-pdu-2024/",
        "/inspections/lambeth-pdu-2024/",
        "/api/inspections/draftford-pdu-2024/",
        "/api/bodies/draftford/",
        "/api/bodies/northmoor-region/",
    ],
)
def test_a_draft_only_pdus_pages_are_not_found(drafts, db, url):
    for who, client in clients(db).items():
        assert client.get(url).status_code == 404, who


def test_filters_offer_no_draft_only_pdu_or_region(drafts, db):
    for who, client in clients(db).items():
        for url, fields in [
            ("/tracker/", ("pdu", "region")),
            ("/pdus/", ("region",)),
            ("/compare/", ("region", "pdu")),
        ]:
            context = client.get(url).context
            form = context["filter"].form if "filter" in context else context["form"]
            for field in fields:
                offered = [str(value) for value, _label in form.fields[field].choices]
                assert not {"draftford", "moorside", "northmoor"} & set(offered), (who, url, field)
        assert client.get("/tracker/?pdu=draftford").status_code == 400, who


def test_the_api_never_mentions_a_draft_only_pdu(drafts, client):
    bodies = client.get("/api/bodies/").json()["results"]
    assert not {"draftford", "moorside", "northmoor-region"} & {b["slug"] for b in bodies}
    for page in (client.get("/api/inspections/").json(), client.get("/api/bodies/lambeth/").json()):
        text = json.dumps(page).lower()
        assert not [name for name in DRAFT_NAMES if name.lower() in text]


def test_the_public_pdu_page_holds_none_of_a_draft_second_inspection(drafts, client):
    for url in ("/pdus/lambeth/", "/pdus/lambeth/profile/"):
        text = client.get(url).content.decode()
        assert "lambeth-pdu-2024" not in text, url
        assert "Secret draft figure" not in text, url
