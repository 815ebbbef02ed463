from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers

from profiles.models import Researcher, Work
from profiles.trust import trust_for

WORKS_PER_PAGE = 20
RESEARCHERS_PER_PAGE = 25
# Abstracts longer than this many words show a preview and fold the rest.
ABSTRACT_FOLD_WORDS = 90
ABSTRACT_PREVIEW_WORDS = 50
# A work page lists every author up to AUTHORS_SHOWN_MAX. A longer list shows
# its first AUTHORS_PREVIEW and links to the paginated authors page.
AUTHORS_SHOWN_MAX = 30
AUTHORS_PREVIEW = 20
AUTHORS_PER_PAGE = 100
SEARCH_QUERY_MAX_LENGTH = 200


def home(request):
    return redirect("profiles:researcher_index")


def _htmx_target(request) -> str | None:
    """Return the id of the element an htmx request swaps, or None for a full page."""
    if not request.htmx or request.htmx.history_restore_request:
        return None
    return request.htmx.target


def _render_page(request, template_name, context, fragments):
    """Render the page, or only its partial when htmx targets one of `fragments`.

    `fragments` maps an element id to the name of the partial that renders it.
    """
    target = _htmx_target(request)
    if target in fragments:
        template_name = f"{template_name}#{fragments[target]}"
    response = render(request, template_name, context)
    # The same URL returns a page or a fragment, so caches keep both apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _page_of(items, per_page: int, request):
    """Return the page of `items` that the ?page= parameter requests.

    A number below 1 gives the first page. Django's get_page already gives
    the last page for a number past the end, and the first for text.
    """
    number = request.GET.get("page")
    try:
        if int(number) < 1:
            number = 1
    except (TypeError, ValueError):
        pass
    return Paginator(items, per_page).get_page(number)


def researcher_index(request):
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    researchers = Researcher.objects.filter(merged_into__isnull=True).select_related("last_known_institution")
    if query:
        researchers = researchers.ranked_search(query)
    else:
        researchers = researchers.order_by("-trust_score", "display_name", "id")
    page = _page_of(researchers, RESEARCHERS_PER_PAGE, request)
    return _render_page(
        request,
        "profiles/researcher_index.html",
        {"page": page, "query": query},
        {"results": "results"},
    )


def researcher_profile(request, researcher_id):
    researcher = get_object_or_404(Researcher.objects.for_profile_page(), pk=researcher_id)
    if researcher.merged_into_id is not None:
        # A merged record's address stays valid and leads to the record it joined.
        return redirect("profiles:researcher", researcher.merged_into_id, permanent=True)

    # Each work has at most one authorship per researcher (a unique
    # constraint), so this join lists every work once.
    works = Work.objects.filter(authorships__researcher=researcher).newest_first()
    page = _page_of(works, WORKS_PER_PAGE, request)
    context = {
        "researcher": researcher,
        "trust": trust_for(researcher),
        "page": page,
        "abstract_fold_words": ABSTRACT_FOLD_WORDS,
        "abstract_preview_words": ABSTRACT_PREVIEW_WORDS,
    }
    # Imported here: profiles never imports claims at module level.
    from claims.profile_context import profile_viewer_context

    context.update(profile_viewer_context(request, researcher))
    if _htmx_target(request) != "works":
        # Imported here for the same reason; the works fragment needs no slice.
        from graph.profile_context import graph_section_context

        context["graph"] = graph_section_context(researcher.pk)
    return _render_page(request, "profiles/researcher_profile.html", context, {"works": "works-section"})


def work_detail(request, work_id):
    work = get_object_or_404(Work.objects.all(), pk=work_id)
    authorships = work.authorships.select_related("researcher").prefetch_related("institutions").order_by("position")
    authors_total = authorships.count()
    # Hyperauthored works can list thousands of authors: show the first ones.
    authors_shown = authors_total if authors_total <= AUTHORS_SHOWN_MAX else AUTHORS_PREVIEW
    topics = work.work_topics.select_related("topic").order_by("-is_primary", "-score", "topic__display_name")
    context = {
        "work": work,
        "authorships": authorships[:authors_shown],
        "authors_total": authors_total,
        "authors_hidden": authors_total - authors_shown,
        "topics": topics,
    }
    return render(request, "profiles/work_detail.html", context)


def work_authors(request, work_id):
    work = get_object_or_404(Work.objects.all(), pk=work_id)
    authorships = work.authorships.select_related("researcher").prefetch_related("institutions").order_by("position")
    page = _page_of(authorships, AUTHORS_PER_PAGE, request)
    return render(request, "profiles/work_authors.html", {"work": work, "page": page})
