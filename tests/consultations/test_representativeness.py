"""Who took part, against who lives here: the shipped Census 2021 figures and their sources,
the mapping, a commissioner's own area's figures (validated, nothing lost), and the comparison
against a small population checked by hand (shares, Wilson intervals, ratios, differences),
with every count through disclosure control."""

import math

import pytest
from django.urls import reverse

from engagement.consultations.models import ReferencePopulation
from engagement.consultations.representativeness import (
    COLUMNS,
    COMPARISON_GROUPS,
    ENGLAND_CSV,
    ReferenceFileError,
    consultation_representativeness,
    england_reference,
    read_reference_csv,
    reference_in_use,
)
from engagement.consultations.services import (
    reference_population_upload,
    reference_population_use,
)
from tests import factories
from tests.disclosure_audit import unprotected

pytestmark = pytest.mark.django_db

Z = 1.959963984540054  # the 97.5th percentile of the normal distribution


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


AREA_CSV = "\n".join(
    [
        ",".join(COLUMNS),
        'sex,Female,600,count,E06000999,Testshire,TS008,https://example.org/ts008,"hand made"',
        'sex,Male,400,count,E06000999,Testshire,TS008,https://example.org/ts008,"hand made"',
        "carer,Provides no unpaid care,900,count,E06000999,Testshire,TS039,https://example.org/ts039,x",
        "carer,Provides 19 hours or less unpaid care a week,50,count,E06000999,Testshire,TS039,"
        "https://example.org/ts039,x",
        "carer,Provides 50 or more hours unpaid care a week,50,count,E06000999,Testshire,TS039,"
        "https://example.org/ts039,x",
    ]
)


@pytest.fixture
def consultation():
    return factories.make_consultation(title="Short breaks")


def _people(consultation, n, **equality):
    for _ in range(n):
        factories.make_response(consultation, equality=equality)


def test_the_shipped_england_figures_cite_their_source_and_add_up():
    england = england_reference()
    assert england.area_code == "E92000001"
    for row in england.rows:
        assert row["source_url"].startswith("https://")
        assert row["provenance"] and row["table_code"].startswith("TS0")
        assert row["area_code"] == "E92000001"
    # Sex: the two counts add up to the usual residents the source gives (56,490,048).
    female = england.shares("sex")["female"]
    assert female == pytest.approx(28_833_712 / 56_490_048)
    # Unpaid care: the bands add up to the source's total aged 5 and over (53,413,098).
    carers = 2_303_725 + 969_769 + 1_404_771
    assert england.shares("carer")["yes"] == pytest.approx(carers / 53_413_098)
    # Ethnic group (TS021): the five high-level groups add up to the same usual residents.
    ethnicity = {
        r["census_category"]: int(r["value"]) for r in england.rows if r["field"] == "ethnicity"
    }
    assert sum(ethnicity.values()) == 56_490_048
    assert {r["table_code"] for r in england.rows if r["field"] == "ethnicity"} == {"TS021"}
    shares = england.shares("ethnicity")
    assert sum(shares.values()) == pytest.approx(1)
    assert shares["white"] == pytest.approx(ethnicity["White"] / 56_490_048)
    asian = ethnicity["Asian, Asian British or Asian Welsh"]
    assert shares["asian"] == pytest.approx(asian / 56_490_048)
    # Age for England (TS007A) was not found with the search tool: not compared.
    assert england.shares("age_band") is None


def test_every_census_category_maps_to_one_group_and_the_csv_reads_back():
    for groups in COMPARISON_GROUPS.values():
        categories = [c for g in groups for c in g.census_categories]
        assert len(categories) == len(set(categories))
    assert read_reference_csv(ENGLAND_CSV.read_text(encoding="utf-8"))


def test_a_small_population_against_the_reference_by_hand(consultation):
    reference = reference_population_upload(
        name="Testshire", csv_text=AREA_CSV, user=None, use=True
    )
    _people(consultation, 32, sex="female", carer="no")
    _people(consultation, 8, sex="male", carer="yes")
    _people(consultation, 5, sex="prefer_not", carer="yes")
    _people(consultation, 5)  # answered nothing about themselves
    result = consultation_representativeness(consultation=consultation)
    assert result.reference.name == reference.name
    assert result.responses == 50
    sex = next(f for f in result.fields if f.name == "sex")
    female, male = sex.groups
    assert (female.count, male.count, sex.not_given, sex.answered) == (32, 8, 10, 40)
    assert female.share == pytest.approx(0.8)
    assert female.reference_share == pytest.approx(0.6)
    assert female.ratio == pytest.approx(0.8 / 0.6)
    assert female.difference == pytest.approx(20.0)
    low, high = wilson_by_hand(32, 40)
    assert (female.low, female.high) == (pytest.approx(low), pytest.approx(high))
    assert low > 0.6 and female.verdict == "over"
    low, high = wilson_by_hand(8, 40)
    assert (male.low, male.high) == (pytest.approx(low), pytest.approx(high))
    assert high < 0.4 and male.verdict == "under"

    carer = next(f for f in result.fields if f.name == "carer")
    yes, no = carer.groups
    # 13 of 45 look after someone against 10% of Testshire.
    assert (yes.count, no.count, carer.answered) == (13, 32, 45)
    assert yes.reference_share == pytest.approx(0.1)
    assert yes.verdict == "over" and no.verdict == "under"

    # Fields the area did not give are not compared, and say so.
    age = next(f for f in result.fields if f.name == "age_band")
    assert age.no_reference and all(g.verdict == "" for g in age.groups)


def test_within_chance_is_not_called_over_or_under(consultation):
    reference_population_upload(name="Testshire", csv_text=AREA_CSV, user=None, use=True)
    _people(consultation, 7, sex="female")
    _people(consultation, 5, sex="male")
    sex = next(
        f
        for f in consultation_representativeness(consultation=consultation).fields
        if f.name == "sex"
    )
    low, high = wilson_by_hand(7, 12)
    assert low < 0.6 < high
    assert [g.verdict for g in sex.groups] == ["in_line", "in_line"]


def test_small_counts_are_hidden_and_no_share_lets_them_be_worked_out(consultation):
    _people(consultation, 3, carer="yes")
    _people(consultation, 20, carer="no")
    _people(consultation, 9)
    result = consultation_representativeness(consultation=consultation)
    for field in result.fields:
        assert not unprotected(field.table.as_dict(), known={(len(field.groups) + 1, 1): 32})
        for group in field.groups:
            if group.count is None:
                assert group.share is None and group.low is None and group.ratio is None
            if group.share is not None:
                # A share is published only with its count and its denominator.
                assert field.answered is not None and group.count is not None
    carer = next(f for f in result.fields if f.name == "carer")
    assert carer.groups[0].count is None  # 3 people
    data = result.as_dict()
    carer_data = next(f for f in data["fields"] if f["field"] == "carer")
    assert carer_data["groups"][0]["people"] is None
    assert carer_data["groups"][0]["share"] is None
    assert "3" not in str(carer_data["groups"][0].values())


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("field,value\nsex,1", "missing"),
        (",".join(COLUMNS) + "\nsex,Women,5,count,E1,X,TS008,https://x,y", "not an ONS category"),
        (",".join(COLUMNS) + "\nheight,Tall,5,count,E1,X,T,https://x,y", "not a field"),
        (",".join(COLUMNS) + "\nsex,Female,lots,count,E1,X,TS008,https://x,y", "not a number"),
        (",".join(COLUMNS) + "\nsex,Female,-1,count,E1,X,TS008,https://x,y", "zero or more"),
        (",".join(COLUMNS) + "\nsex,Female,5,people,E1,X,TS008,https://x,y", "unit"),
        (
            ",".join(COLUMNS)
            + "\nsex,Female,5,count,E1,X,TS008,https://x,y\nsex,Female,6,count,E1,X,TS008,https://x,y",
            "twice",
        ),
        (
            ",".join(COLUMNS)
            + "\nsex,Female,5,count,E1,X,TS008,https://x,y\nsex,Male,6,count,E2,Y,TS008,https://x,y",
            "one area",
        ),
        (",".join(COLUMNS) + "\n", "no figures"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_nothing_stored(text, says):
    with pytest.raises(ReferenceFileError) as error:
        reference_population_upload(name="Bad", csv_text=text, user=None)
    assert says in " ".join(error.value.problems)
    assert not ReferencePopulation.objects.exists()


def test_choosing_the_figures_in_use():
    area = reference_population_upload(name="Testshire", csv_text=AREA_CSV, user=None)
    assert reference_in_use().key == "england"
    reference_population_use(key=str(area.pk))
    assert reference_in_use().name == "Testshire"
    reference_population_use(key="england")
    assert reference_in_use().key == "england"
    assert ReferencePopulation.objects.filter(in_use=True).count() == 0


def test_the_pages_are_for_commissioners(client, consultation, participant, commissioner):
    page = reverse("engagement:consultation_representativeness", args=[consultation.pk])
    figures = reverse("engagement:reference_populations")
    client.force_login(participant)
    assert client.get(page).status_code == 403
    assert client.get(figures).status_code == 403
    assert client.post(reverse("engagement:reference_population_choose")).status_code == 403
    client.force_login(commissioner)
    assert client.get(page).status_code == 200
    assert client.get(figures).status_code == 200
    twin = client.get(
        reverse("engagement:consultation_representativeness_json", args=[consultation.pk])
    ).json()
    assert twin["reference"]["area_code"] == "E92000001"


def test_uploading_a_bad_file_keeps_its_text_and_says_what_is_wrong(client, commissioner):
    client.force_login(commissioner)
    bad = AREA_CSV.replace("Female", "Women")
    response = client.post(
        reverse("engagement:reference_populations"),
        {"name": "Testshire", "text": bad, "use": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 2" in body and "Women" in body
    assert response.context["form"]["text"].value() == bad
    assert not ReferencePopulation.objects.exists()
    good = client.post(
        reverse("engagement:reference_populations"),
        {"name": "Testshire", "text": AREA_CSV, "use": "on"},
    )
    assert good.status_code == 302
    assert ReferencePopulation.objects.get().in_use
    choose = client.post(reverse("engagement:reference_population_choose"), {"reference": "x"})
    assert choose.status_code == 302
    assert ReferencePopulation.objects.get().in_use


def test_the_open_data_once_results_are_public(client, answered, open_consultation):
    _people(answered, 12, sex="female", carer="no")
    _people(answered, 2, sex="male", carer="yes")
    url = reverse("api_v1:consultation_representativeness", kwargs={"consultation_id": answered.pk})
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["reference"]["area_code"] == "E92000001"
    assert data["licence"]
    sex = next(f for f in data["fields"] if f["field"] == "sex")
    male = next(g for g in sex["groups"] if g["group"] == "male")
    assert male["people"] is None and male["share"] is None  # 2 people: hidden
    assert sex["sources"][0]["table_code"] == "TS008"
    age = next(f for f in data["fields"] if f["field"] == "age_band")
    assert age["reference_available"] is False
    closed = reverse(
        "api_v1:consultation_representativeness", kwargs={"consultation_id": open_consultation.pk}
    )
    assert client.get(closed).status_code == 403


def test_the_involvement_report_compares_the_decision_s_respondents(client, consultation):
    _people(consultation, 20, carer="yes", sex="female")
    _people(consultation, 3, carer="no", sex="female")
    decision = factories.make_decision(consultations=[consultation])
    html = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert "Who responded, against who lives here" in html
    assert "TS039" in html
    pack = client.get(f"/decisions/{decision.pk}/involvement-report.json").json()
    comparison = pack["who_took_part"]["representativeness"]
    carer = next(f for f in comparison["fields"] if f["field"] == "carer")
    no = next(g for g in carer["groups"] if g["group"] == "no")
    yes = next(g for g in carer["groups"] if g["group"] == "yes")
    assert no["people"] is None and no["share"] is None  # 3 people
    assert yes["people"] is None  # else 23 - 20 would give the 3 away


def test_the_page_compares_ethnic_group_with_england(client, consultation, commissioner):
    _people(consultation, 12, ethnicity="white")
    _people(consultation, 9, ethnicity="asian")
    _people(consultation, 6)
    client.force_login(commissioner)
    page = reverse("engagement:consultation_representativeness", args=[consultation.pk])
    html = client.get(page).content.decode()
    england = england_reference()
    ethnicity = {
        r["census_category"]: int(r["value"]) for r in england.rows if r["field"] == "ethnicity"
    }
    total = sum(ethnicity.values())
    for category in ("White", "Asian, Asian British or Asian Welsh", "Other ethnic group"):
        assert f"{100 * ethnicity[category] / total:.1f}%" in html
    twin = client.get(
        reverse("engagement:consultation_representativeness_json", args=[consultation.pk])
    ).json()
    field = next(f for f in twin["fields"] if f["field"] == "ethnicity")
    assert field["reference_available"] is True
    assert field["sources"][0]["table_code"] == "TS021"
    white = next(g for g in field["groups"] if g["group"] == "white")
    assert white["reference_share"] == pytest.approx(ethnicity["White"] / total, abs=1e-4)
    assert white["people"] == 12
