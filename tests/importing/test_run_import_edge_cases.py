"""run_import on the edge-case records: what is stored for each quirk."""

import pytest

from profiles.models import Authorship, ImportRun, Researcher, Work
from tests.importing.conftest import edge_record

pytestmark = pytest.mark.django_db


def _researcher(openalex_id: str) -> Researcher:
    return Researcher.objects.get(openalex_id=openalex_id)


def _work(openalex_id: str) -> Work:
    return Work.objects.get(openalex_id=openalex_id)


def test_edge_cases_all_imported(edge_cases_imported):
    run = edge_cases_imported

    assert run.records_read == 103
    assert run.records_rejected == 0
    assert run.status == ImportRun.Status.FINISHED
    assert Work.objects.count() == 89
    assert Researcher.objects.filter(openalex_id__in=[f"A{n}" for n in ("5007648676", "5008770657")]).count() == 2


def test_edge_cases_many_authors_hyperauthored(edge_cases_imported):
    work = _work("W1694905212")
    distinct = {authorship["author"]["id"] for authorship in edge_record("W1694905212")["authorships"]}

    assert work.is_hyperauthored
    assert work.authors_count == work.authorships.count()
    assert work.authorships.exclude(researcher=None).count() == len(distinct - {None})
    assert work.title == (
        "Combined Measurement of the Higgs Boson Mass in pp Collisions at s=7 and 8 TeV "
        "with the ATLAS and CMS Experiments"
    )


def test_hyperauthored_adds_no_collaborators(edge_cases_imported):
    only_hyperauthored = Researcher.objects.filter(authorships__work__openalex_id="W1694905212").exclude(
        authorships__work__is_hyperauthored=False
    )

    assert only_hyperauthored.count() > 5000
    assert not only_hyperauthored.filter(close_collaborators_count__gt=0).exists()
    assert set(only_hyperauthored.values_list("works_count", flat=True)) == {1}


def test_zero_authorship_works_imported(edge_cases_imported):
    for openalex_id in ("W4214746409", "W4234567890"):
        work = _work(openalex_id)
        assert work.authors_count == 0
        assert not work.authorships.exists()


def test_null_titles_stored_empty(edge_cases_imported):
    assert _work("W4234567890").title == ""
    assert _work("W1902610065").title == ""
    assert _work("W1902610065").abstract == ""


def test_titles_keep_safe_markup(edge_cases_imported):
    assert _work("W1992035801").title == "<i>Annual Reports To Council</i> Ecological Society of America August 2009"
    assert _work("W2883817061").title.startswith("Sensitivity assessment of PM<sub>2.5</sub> simulation")
    assert _work("W1995017064").title.startswith("Crystallography &amp; NMR System")
    assert _work("W2091406001").title.endswith("<i>b</i><sup>2</sup> and √<i>b</i><sup>1</sup>")


def test_old_publication_year_imported(edge_cases_imported):
    work = _work("W4233603210")

    assert work.publication_year == 1676
    assert work.title.startswith("Two letters written by Mr. John Beaumont Junior")


def test_placeholder_authors_link_nobody(edge_cases_imported):
    authorship = _work("W1501662969").authorships.get(printed_name="(eds.)")

    assert authorship.researcher is None
    assert not Researcher.objects.filter(openalex_id="A9999999999").exists()
    assert _work("W4231372163").authorships.get().researcher is None


def test_null_author_id_keeps_name(edge_cases_imported):
    stored = _work("W2896457183")

    assert list(stored.authorships.values_list("printed_name", "researcher")[:2]) == [
        ("Kefallinos, Dionysios", None),
        ("Alexandris, Georgios", None),
    ]
    assert stored.authorships.count() == 8
    assert _work("W132472807").authorships.get().researcher is None


def test_repeated_authorship_stored_once(edge_cases_imported):
    work = _work("W2738900493")

    assert work.authorships.count() == 6
    assert work.authors_count == 6
    assert len(set(work.authorships.values_list("researcher_id", flat=True))) == 6


def test_malformed_orcid_stored_empty(edge_cases_imported):
    assert _researcher("A5031401973").orcid == ""
    assert _researcher("A5056362784").orcid == "0000-0002-4869-5791"


def test_non_latin_names_stored(edge_cases_imported):
    assert Researcher.objects.filter(display_name="Κωνσταντίνος Δράκος").exists()
    assert Researcher.objects.filter(display_name="王儷容").exists()
    assert Authorship.objects.filter(printed_name="Daan in ׳t Veld").exists()
    assert Researcher.objects.filter(display_name="Peush Sahni").exists()
    assert not Researcher.objects.filter(display_name__contains="\u200e").exists()


def test_author_records_fill_variants(edge_cases_imported):
    ensslin = _researcher("A5008770657")

    assert ensslin.display_name == "Leonardo Ensslin"
    assert "Леонардо Энсслин" in ensslin.name_variants
    assert "энсслин" in ensslin.search_name


def test_retracted_flag_imported(edge_cases_imported):
    assert _work("W3046275966").is_retracted
    assert not _work("W4233603210").is_retracted
