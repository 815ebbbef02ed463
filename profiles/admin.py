"""Django admin for imported records and import runs.

Imported facts are read-only here: the next import would overwrite an edit,
and claims and merges change records through their own services. Staff may
edit what no import writes: a researcher's own summary and collaboration flag
and an institution's web domains.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from profiles.models import Authorship, ImportRun, Institution, Researcher, Source, Topic, Work

# Authors listed on a work's admin page; the public work page links to all of them.
ADMIN_AUTHORS_SHOWN = 25
# The researcher change page links to the researcher's works with this lookup.
WORKS_BY_RESEARCHER_LOOKUP = "authorships__researcher__id__exact"


@admin.register(Researcher)
class ResearcherAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "openalex_id",
        "orcid",
        "last_known_institution",
        "works_count",
        "trust_score",
        "verification_level",
        "claimed_by",
        "open_to_collaborate",
    ]
    list_select_related = ["last_known_institution", "claimed_by"]
    list_filter = [
        "verification_level",
        "open_to_collaborate",
        ("claimed_by", admin.EmptyFieldListFilter),
        ("merged_into", admin.EmptyFieldListFilter),
    ]
    search_fields = ["display_name", "openalex_id", "orcid"]
    search_help_text = "Name (case and accents ignored), OpenAlex id or ORCID iD."
    ordering = ["-trust_score", "display_name"]
    fieldsets = [
        (None, {"fields": ["display_name", "public_profile", "works_link", "summary", "open_to_collaborate"]}),
        (
            "Imported identity",
            {"fields": ["openalex_id", "orcid", "name_variants", "last_known_institution", "auto_summary"]},
        ),
        ("Claim and verification", {"fields": ["claimed_by", "verification_level", "merged_into"]}),
        (
            "Counts and trust score",
            {
                "fields": [
                    "works_count",
                    "topics_count",
                    "close_collaborators_count",
                    "claimed_close_collaborators_count",
                    "followers_count",
                    "trust_score",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "display_name",
        "public_profile",
        "works_link",
        "openalex_id",
        "orcid",
        "name_variants",
        "last_known_institution",
        "auto_summary",
        "claimed_by",
        "verification_level",
        "merged_into",
        "works_count",
        "topics_count",
        "close_collaborators_count",
        "claimed_close_collaborators_count",
        "followers_count",
        "trust_score",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        # Researchers come from imports; a hand-made record would have no works.
        return False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            # The folded name finds "Müller" for "muller", as the public index does.
            results |= queryset.search(search_term)
        return results, may_have_duplicates

    @admin.display(description="Public profile")
    def public_profile(self, researcher):
        return format_html('<a href="{}">{}</a>', researcher.get_absolute_url(), researcher.get_absolute_url())

    @admin.display(description="Works")
    def works_link(self, researcher):
        url = reverse("admin:profiles_work_changelist")
        return format_html(
            '<a href="{}?{}={}">{} work{}</a>',
            url,
            WORKS_BY_RESEARCHER_LOOKUP,
            researcher.pk,
            researcher.works_count,
            "" if researcher.works_count == 1 else "s",
        )


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = [
        "short_title",
        "openalex_id",
        "type",
        "publication_year",
        "venue",
        "primary_topic",
        "authors_count",
        "is_hyperauthored",
        "is_retracted",
    ]
    list_select_related = ["primary_topic"]
    list_filter = ["type", "is_retracted", "is_hyperauthored"]
    search_fields = ["openalex_id", "doi", "arxiv_id", "title"]
    search_help_text = "OpenAlex id, DOI, arXiv id or words of the title."
    ordering = ["-publication_year", "-id"]
    show_full_result_count = False
    fields = [
        "title_display",
        "public_page",
        "openalex_id",
        "doi",
        "arxiv_id",
        "type",
        "publication_year",
        "publication_date",
        "source",
        "venue",
        "landing_page_url",
        "cited_by_count",
        "is_retracted",
        "authors_count",
        "is_hyperauthored",
        "authors",
        "primary_topic",
        "abstract_display",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def lookup_allowed(self, lookup, value, request):
        # The researcher change page links here to list one researcher's works.
        return lookup == WORKS_BY_RESEARCHER_LOOKUP or super().lookup_allowed(lookup, value, request)

    @admin.display(description="Title", ordering="title")
    def short_title(self, work):
        title = work.title_text or "Untitled work"
        return title if len(title) <= 90 else f"{title[:89]}…"

    @admin.display(description="Title")
    def title_display(self, work):
        return work.title_html or "Untitled work"

    @admin.display(description="Abstract")
    def abstract_display(self, work):
        return work.abstract_html or "No abstract imported."

    @admin.display(description="Public page")
    def public_page(self, work):
        return format_html('<a href="{}">{}</a>', work.get_absolute_url(), work.get_absolute_url())

    @admin.display(description="Authors")
    def authors(self, work):
        authorships = list(
            Authorship.objects.filter(work=work).select_related("researcher").order_by("position")[:ADMIN_AUTHORS_SHOWN]
        )
        total = Authorship.objects.filter(work=work).count()
        items = format_html_join(
            "",
            "<li>{}</li>",
            ((_author_link(authorship),) for authorship in authorships),
        )
        more = format_html("<p>and {} more</p>", total - len(authorships)) if total > len(authorships) else ""
        return format_html("<ol>{}</ol>{}", items, more)


def _author_link(authorship):
    name = authorship.printed_name or "Unnamed author"
    if authorship.researcher_id is None:
        return name
    url = reverse("admin:profiles_researcher_change", args=[authorship.researcher_id])
    return format_html('<a href="{}">{}</a>', url, name)


class ImportedRecordAdmin(admin.ModelAdmin):
    """Admin for reference records (institutions, topics, sources): imported facts only."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        editable = set(getattr(self, "editable_fields", ()))
        return [field.name for field in self.model._meta.fields if field.name not in editable]


@admin.register(Institution)
class InstitutionAdmin(ImportedRecordAdmin):
    list_display = ["display_name", "openalex_id", "ror", "country_code", "type", "is_complete"]
    list_filter = ["type", "is_complete"]
    search_fields = ["display_name", "openalex_id", "ror"]
    ordering = ["display_name"]
    # Web domains are evidence for claims by institutional email, so staff may
    # add a domain that the imported record lacks.
    editable_fields = ["web_domains"]


@admin.register(Topic)
class TopicAdmin(ImportedRecordAdmin):
    list_display = ["display_name", "openalex_id", "subfield", "field", "domain", "works"]
    list_filter = ["domain", "field"]
    search_fields = ["display_name", "openalex_id", "subfield", "field"]
    ordering = ["display_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(works_total=Count("work_topics"))

    @admin.display(description="Works", ordering="works_total")
    def works(self, topic):
        return topic.works_total


@admin.register(Source)
class SourceAdmin(ImportedRecordAdmin):
    list_display = ["display_name", "openalex_id", "type", "host_organization_name", "is_complete"]
    list_filter = ["type", "is_complete"]
    search_fields = ["display_name", "openalex_id", "host_organization_name"]
    ordering = ["display_name"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "started_at",
        "finished_at",
        "status",
        "records_read",
        "records_created",
        "records_updated",
        "records_unchanged",
        "records_skipped",
        "records_rejected",
    ]
    list_filter = ["status", "source"]
    date_hierarchy = "started_at"
    fields = [
        "source",
        "status",
        "paths_list",
        "started_at",
        "finished_at",
        "records_read",
        "records_created",
        "records_updated",
        "records_unchanged",
        "records_skipped",
        "records_rejected",
        "error",
        "rejections_table",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A run is a record of what happened; it is read, never edited.
        return False

    @admin.display(description="Files")
    def paths_list(self, run):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><code>{}</code></li>", ((path,) for path in run.paths))
        )

    @admin.display(description="Rejected records")
    def rejections_table(self, run):
        if not run.rejections:
            return "None"
        rows = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            (
                (rejection.get("file", ""), rejection.get("line", ""), rejection.get("reason", ""))
                for rejection in run.rejections
            ),
        )
        note = ""
        if run.records_rejected > len(run.rejections):
            note = format_html(
                "<p>The first {} of {} rejected records are stored; the import log lists all of them.</p>",
                len(run.rejections),
                run.records_rejected,
            )
        return format_html(
            "{}<table><thead><tr><th>File</th><th>Line</th><th>Reason</th></tr></thead><tbody>{}</tbody></table>",
            note,
            rows,
        )
