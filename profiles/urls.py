from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("researchers/", views.researcher_index, name="researcher_index"),
    path("researchers/<int:researcher_id>/", views.researcher_profile, name="researcher"),
    path("works/<int:work_id>/", views.work_detail, name="work"),
]
