from django.urls import path

from profiles import follow_views, views

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/", views.researcher_index, name="researcher_index"),
    path("researchers/<int:researcher_id>/", views.researcher_profile, name="researcher"),
    path("works/<int:work_id>/", views.work_detail, name="work"),
    path("works/<int:work_id>/authors/", views.work_authors, name="work_authors"),
    path("researchers/<int:researcher_id>/follow/", follow_views.toggle_follow, name="follow"),
]
