from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from profiles.models import Researcher, Work
from profiles.trust import trust_for

WORKS_PER_PAGE = 20
RESEARCHERS_PER_PAGE = 25


def home(request):
    return redirect("profiles:researcher_index")


def researcher_index(request):
    query = request.GET.get("q", "").strip()[:200]
    researchers = Researcher.objects.filter(merged_into__isnull=True).select_related("last_known_institution")
    if query:
        researchers = researchers.search(query)
    researchers = researchers.order_by("-trust_score", "display_name", "id")
    page = Paginator(researchers, RESEARCHERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "profiles/researcher_index.html", {"page": page, "query": query})


def researcher_profile(request, researcher_id):
    researcher = get_object_or_404(Researcher.objects.for_profile_page(), pk=researcher_id)
    works = (
        Work.objects.filter(authorships__researcher=researcher)
        .select_related("source")
        .newest_first()
    )
    page = Paginator(works, WORKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "researcher": researcher,
        "trust": trust_for(researcher),
        "page": page,
    }
    return render(request, "profiles/researcher_profile.html", context)


def work_detail(request, work_id):
    work = get_object_or_404(Work.objects.select_related("source", "primary_topic"), pk=work_id)
    authorships = work.authorships.select_related("researcher").order_by("position")
    topics = work.work_topics.select_related("topic").order_by("-is_primary", "-score")
    return render(
        request,
        "profiles/work_detail.html",
        {"work": work, "authorships": authorships, "topics": topics},
    )
