from django.contrib import admin, messages

from graph.models import GraphSlice
from graph.services import invalidate_slices


@admin.register(GraphSlice)
class GraphSliceAdmin(admin.ModelAdmin):
    list_display = ["researcher", "status", "is_stale", "version", "computed_at", "attempts", "build_seconds"]
    list_filter = ["status", "is_stale"]
    list_select_related = ["researcher"]
    search_fields = ["researcher__display_name", "researcher__openalex_id"]
    readonly_fields = [field.name for field in GraphSlice._meta.fields]
    actions = ["mark_stale"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Mark stale (rebuilt on the next view)")
    def mark_stale(self, request, queryset):
        marked = invalidate_slices(queryset.values_list("researcher_id", flat=True))
        self.message_user(request, f"{marked} graph slice(s) marked stale.", messages.SUCCESS)
