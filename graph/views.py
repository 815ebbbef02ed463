"""Views of the research graph: the slice fragment and page, retry, and the explorer."""

import logging

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from graph import explorer as explorer_data
from graph import services
from graph.presenting import EARLIEST_YEAR, LATEST_YEAR, filter_lists, present_payload, read_explorer_filters
from graph.state import describe
from profiles.models import Researcher

logger = logging.getLogger(__name__)

# Highest poll attempt a request may name; keeps the delay arithmetic bounded.
MAX_ATTEMPT = 50


def get_researcher_or_404(researcher_id: int) -> Researcher:
    """Fetch a researcher by id for the graph pages; profiles are public, so only a missing one is 404."""
    researcher = Researcher.objects.only("id", "display_name").filter(pk=researcher_id).first()
    if researcher is None:
        raise Http404("No researcher with this id.")
    return researcher


def _attempt(request) -> int:
    try:
        return max(0, min(int(request.GET.get("attempt", "0")), MAX_ATTEMPT))
    except ValueError:
        return 0


@require_GET
@vary_on_headers("HX-Request")
def slice_page(request, researcher_id):
    """Render the slice: the finished picture and lists, or a building, failed or unavailable state.

    htmx requests get the `slice` partial, which the profile's graph section
    swaps in. A building state polls again after a growing delay.
    """
    researcher = get_researcher_or_404(researcher_id)
    state = describe(services.ensure_slice(researcher.pk), attempt=_attempt(request))
    context = {"researcher": researcher, "state": state, "slice": present_payload(state.payload)}
    template = "graph/slice_page.html#slice" if request.htmx else "graph/slice_page.html"
    return render(request, template, context)


@require_POST
def retry_slice(request, researcher_id):
    """Enqueue a build again after a failure or while no worker picked it up."""
    researcher = get_researcher_or_404(researcher_id)
    services.request_build(researcher.pk, retry=True)
    logger.info("Retry of the graph slice of researcher %s requested", researcher.pk)
    if request.htmx:
        state = describe(services.ensure_slice(researcher.pk))
        context = {"researcher": researcher, "state": state, "slice": present_payload(state.payload)}
        return render(request, "graph/slice_page.html#slice", context)
    return redirect("graph:slice", researcher_id=researcher.pk)


@require_GET
def explorer(request, researcher_id):
    """Draw the two-hop neighbourhood; lists of the same data work without JavaScript."""
    researcher = get_researcher_or_404(researcher_id)
    hood = explorer_data.build_neighbourhood(researcher.pk, researcher.display_name)
    filters = read_explorer_filters(request.GET, hood.years)
    context = {
        "researcher": researcher,
        "hood": hood,
        "filters": filters,
        "lists": filter_lists(hood, filters),
        "limits": {
            "second_hop_sources": explorer_data.SECOND_HOP_SOURCES,
            "second_hop_each": explorer_data.SECOND_HOP_EACH,
        },
        "year_limits": {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        "data": hood.as_json(),
    }
    return render(request, "graph/explorer.html", context)


@require_GET
def explorer_neighbours(request, researcher_id):
    """Return one person's strongest co-authors as Cytoscape.js elements."""
    researcher = get_researcher_or_404(researcher_id)
    return JsonResponse(explorer_data.expand_person(researcher.pk))
