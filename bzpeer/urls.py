from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("profiles.urls")),
    path("", include("graph.urls")),
    path("", include("claims.urls")),
]
