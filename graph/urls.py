from django.urls import path

from graph import views

app_name = "graph"

urlpatterns = [
    path("researchers/<int:researcher_id>/graph/", views.slice_page, name="slice"),
    path("researchers/<int:researcher_id>/graph/retry/", views.retry_slice, name="retry"),
    path("researchers/<int:researcher_id>/explorer/", views.explorer, name="explorer"),
    path(
        "researchers/<int:researcher_id>/explorer/neighbours.json",
        views.explorer_neighbours,
        name="explorer_neighbours",
    ),
]
