"""Researchers, works and the records they link to, as imported from OpenAlex."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe

from profiles.text import fold_for_search

# A work with more authors than this is hyperauthored: it is listed on every
# author's page but adds no co-authorship edges and no close collaborators.
HYPERAUTHOR_THRESHOLD = 50


class VerificationLevel(models.IntegerChoices):
    L0 = 0, "L0"  # a name only, no persistent author id
    L1 = 1, "L1"  # a persistent id from OpenAlex or ORCID
    L2 = 2, "L2"  # claimed by a user with a verified email
    L3 = 3, "L3"  # claimed, and ORCID or institutional email proven


class Institution(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True)
    ror = models.CharField(max_length=64, blank=True)
    display_name = models.CharField(max_length=500)
    country_code = models.CharField(max_length=2, blank=True)
    type = models.CharField(max_length=40, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)
    # Host names (without "www.") of the institution's web sites. An email at
    # one of these domains is evidence of membership for claims.
    web_domains = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    # True once the full Institution record was imported, not only the stub
    # embedded in a work's authorship.
    is_complete = models.BooleanField(default=False)

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return f"https://openalex.org/{self.openalex_id}"


class Topic(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True)
    display_name = models.CharField(max_length=500)
    subfield = models.CharField(max_length=255, blank=True)
    field = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=255, blank=True)
    is_complete = models.BooleanField(default=False)

    def __str__(self):
        return self.display_name


class Source(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True)
    display_name = models.CharField(max_length=500)
    type = models.CharField(max_length=40, blank=True)
    host_organization_name = models.CharField(max_length=500, blank=True)
    is_complete = models.BooleanField(default=False)

    def __str__(self):
        return self.display_name


class ResearcherQuerySet(models.QuerySet):
    def claimed(self):
        return self.filter(claimed_by__isnull=False)

    def for_profile_page(self):
        return self.select_related("last_known_institution", "claimed_by")

    def search(self, query: str):
        """Filter by every word of `query`, ignoring case and accents ("muller" finds "Müller")."""
        queryset = self
        for term in fold_for_search(query).split():
            queryset = queryset.filter(search_name__contains=term)
        return queryset

    def ranked_search(self, query: str):
        """Search, and order the matches best first.

        A name where every word of the query starts a word ranks before one
        where a word only appears inside another, so "muller" lists "Müller"
        before "Werthmuller". Ties go to higher trust, then to the name.
        """
        word_starts = [
            models.Q(search_name__startswith=term)
            | models.Q(search_name__contains=f" {term}")
            | models.Q(search_name__contains=f"-{term}")
            for term in fold_for_search(query).split()
        ]
        rank = models.Case(
            models.When(models.Q(*word_starts), then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        return (
            self.search(query).annotate(search_rank=rank).order_by("search_rank", "-trust_score", "display_name", "id")
        )


class Researcher(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    orcid = models.CharField(max_length=19, blank=True, help_text="ORCID iD as 0000-0000-0000-000X.")
    display_name = models.CharField(max_length=500)
    name_variants = ArrayField(models.CharField(max_length=500), default=list, blank=True)
    # Display name and variants, lower-cased with accents removed, for search.
    search_name = models.TextField(blank=True, editable=False)
    # The claimed owner's own summary; empty until claimed and written.
    summary = models.TextField(blank=True, max_length=600)
    auto_summary = models.TextField(blank=True, editable=False)
    last_known_institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    open_to_collaborate = models.BooleanField(default=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_researchers"
    )
    verification_level = models.PositiveSmallIntegerField(
        choices=VerificationLevel.choices, default=VerificationLevel.L1
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")

    # Denormalized counts, kept by profiles.stats.recompute_researchers()
    # (followers_count also by profiles.follows on each follow).
    works_count = models.PositiveIntegerField(default=0)
    topics_count = models.PositiveIntegerField(default=0)
    close_collaborators_count = models.PositiveIntegerField(default=0)
    claimed_close_collaborators_count = models.PositiveIntegerField(default=0)
    followers_count = models.PositiveIntegerField(default=0)
    trust_score = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearcherQuerySet.as_manager()

    class Meta:
        indexes = [
            # Researchers index: ordered by trust, then name.
            models.Index(fields=["-trust_score", "display_name"], name="researcher_trust_name_idx"),
            # Claims: "does this ORCID iD belong to a record?"
            models.Index(fields=["orcid"], name="researcher_orcid_idx"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = fold_for_search(" ".join([self.display_name, *self.name_variants]))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"display_name", "name_variants"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:researcher", args=[self.pk])

    @property
    def is_claimed(self) -> bool:
        return self.claimed_by_id is not None

    @property
    def headline(self) -> str:
        return self.summary or self.auto_summary

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class WorkQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by(
            models.F("publication_date").desc(nulls_last=True),
            models.F("publication_year").desc(nulls_last=True),
            "-id",
        )


class Work(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True)
    doi = models.CharField(max_length=255, blank=True, help_text="DOI without the https://doi.org/ prefix.")
    arxiv_id = models.CharField(max_length=64, blank=True)
    # Sanitized HTML: only <i>, <b>, <sub> and <sup> survive, the rest is escaped.
    title = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    type = models.CharField(max_length=40, blank=True)
    publication_year = models.SmallIntegerField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="works")
    # The source's display name without a parenthesised host organisation.
    venue = models.CharField(max_length=500, blank=True)
    landing_page_url = models.URLField(max_length=1000, blank=True)
    cited_by_count = models.PositiveIntegerField(default=0)
    is_retracted = models.BooleanField(default=False)
    authors_count = models.PositiveIntegerField(default=0)
    is_hyperauthored = models.BooleanField(default=False)
    primary_topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    topics = models.ManyToManyField(Topic, through="WorkTopic", related_name="works")
    # Hash of the normalized row the record gave; an import whose row is unchanged skips the work.
    record_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    def __str__(self):
        return self.title_text or self.openalex_id

    def get_absolute_url(self):
        return reverse("profiles:work", args=[self.pk])

    @property
    def title_html(self):
        # Stored already sanitized by profiles.importing.markup.
        return mark_safe(self.title)  # noqa: S308

    @property
    def abstract_html(self):
        return mark_safe(self.abstract)  # noqa: S308

    @property
    def title_text(self) -> str:
        from profiles.text import strip_markup

        return strip_markup(self.title)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""


class Authorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    # Null for an author OpenAlex gives no id (or its A9999999999 placeholder).
    researcher = models.ForeignKey(
        Researcher, null=True, blank=True, on_delete=models.CASCADE, related_name="authorships"
    )
    position = models.PositiveIntegerField(help_text="0-based order in the work's author list.")
    author_position = models.CharField(max_length=10, blank=True, help_text="OpenAlex: first, middle or last.")
    printed_name = models.CharField(max_length=500, blank=True)
    institutions = models.ManyToManyField(Institution, blank=True, related_name="authorships")

    class Meta:
        ordering = ["work", "position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="authorship_work_position_uniq"),
            # The same author listed twice on one work counts once.
            models.UniqueConstraint(
                fields=["work", "researcher"],
                condition=models.Q(researcher__isnull=False),
                name="authorship_work_researcher_uniq",
            ),
        ]
        indexes = [
            # Profile page and counts: a researcher's works.
            models.Index(fields=["researcher", "work"], name="authorship_researcher_work_idx"),
        ]

    def __str__(self):
        return f"{self.printed_name} on {self.work_id}"


class WorkTopic(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="work_topics")
    score = models.FloatField(default=0)
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "topic"], name="worktopic_work_topic_uniq")]
        indexes = [
            # Graph slice: works sharing a topic.
            models.Index(fields=["topic", "work"], name="worktopic_topic_work_idx"),
        ]

    def __str__(self):
        return f"{self.topic_id} on {self.work_id}"


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "researcher"], name="follow_user_researcher_uniq")]
        indexes = [
            # Follower count of one researcher.
            models.Index(fields=["researcher"], name="follow_researcher_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.researcher_id}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FINISHED_WITH_ERRORS = "finished_with_errors", "Finished with rejected records"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=40, default="openalex")
    paths = ArrayField(models.TextField(), default=list)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records_read = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    records_skipped = models.PositiveIntegerField(default=0)
    records_rejected = models.PositiveIntegerField(default=0)
    # [{"file": ..., "line": ..., "reason": ...}], capped in length by the importer.
    rejections = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"
