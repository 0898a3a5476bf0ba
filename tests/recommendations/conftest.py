"""Users of each tracker role, a second region with its own director, and the
recommendations the permission tests act on."""

import pytest

from recommendations.models import Recommendation
from recommendations.roles import ADMINS, INSPECTORATE_STAFF, REGIONAL_DIRECTORS
from tests.factories import BodyFactory, InspectionFactory, RegionFactory
from tests.recommendations.helpers import make_user, rec


@pytest.fixture
def london(published_data):
    from pdus.models import Region

    return Region.objects.get(slug="london")


@pytest.fixture
def wales(published_data):
    return RegionFactory(name="Wales", slug="wales")


@pytest.fixture
def wales_recommendation(wales):
    """A recommendation to a Welsh PDU, so Wales's director has something of their own."""
    pdu = BodyFactory(name="Cardiff PDU", short_name="Cardiff", slug="cardiff", region=wales)
    inspection = InspectionFactory(body=pdu, slug="cardiff-2023")
    return Recommendation.objects.create(
        inspection=inspection,
        number=1,
        position=1,
        addressee=pdu,
        addressee_label="Cardiff PDU",
        text="improve the quality of work to assess, plan for, manage and review risk of harm",
        source_document=inspection.source_document,
        source_section="Recommendations",
        source_line=1,
    )


@pytest.fixture
def admin(db):
    return make_user("ada-admin", ADMINS, is_staff=True)


@pytest.fixture
def inspector(db):
    return make_user("ines-inspector", INSPECTORATE_STAFF)


@pytest.fixture
def director(london):
    return make_user("london-director", REGIONAL_DIRECTORS, london)


@pytest.fixture
def other_director(wales):
    return make_user("wales-director", REGIONAL_DIRECTORS, wales)


@pytest.fixture
def roles(admin, inspector, director, other_director):
    return {
        "anonymous": None,
        "admin": admin,
        "inspector": inspector,
        "director": director,
        "other_director": other_director,
    }


@pytest.fixture
def lambeth_1(published_data):
    """Addressed to Lambeth PDU, in London."""
    return rec("lambeth-pdu-2022", 1)


@pytest.fixture
def london_region_rec(published_data):
    """Addressed to London region as a whole."""
    return rec("lambeth-pdu-2022", 8)


@pytest.fixture
def hmpps_rec(published_data):
    """Addressed to HMPPS, in a London PDU's report."""
    return rec("lambeth-pdu-2022", 11)
