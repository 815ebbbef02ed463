from django.db import migrations

BATCH_SIZE = 2000


def refold_search_names(apps, schema_editor):
    """Recompute search_name with the current folding (Unicode hyphens become "-")."""
    from profiles.text import fold_for_search

    Researcher = apps.get_model("profiles", "Researcher")
    changed = []
    for researcher in Researcher.objects.only("id", "display_name", "name_variants", "search_name").iterator(
        chunk_size=BATCH_SIZE
    ):
        folded = fold_for_search(" ".join([researcher.display_name, *researcher.name_variants]))
        if folded != researcher.search_name:
            researcher.search_name = folded
            changed.append(researcher)
        if len(changed) >= BATCH_SIZE:
            Researcher.objects.bulk_update(changed, ["search_name"])
            changed = []
    if changed:
        Researcher.objects.bulk_update(changed, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial")]

    # The old folding is a subset of the new one; nothing to undo.
    operations = [migrations.RunPython(refold_search_names, migrations.RunPython.noop)]
