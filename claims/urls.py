from django.urls import path

from claims import conversation_views, views

app_name = "claims"

urlpatterns = [
    path("researchers/<int:researcher_id>/claim/", views.submit, name="submit"),
    path("researchers/<int:researcher_id>/edit/", views.edit_profile, name="edit_profile"),
    path("claims/", views.my_claims, name="my_claims"),
    path("claims/<int:claim_id>/", views.detail, name="detail"),
    path("claims/<int:claim_id>/withdraw/", views.withdraw, name="withdraw"),
    path("researchers/<int:researcher_id>/invite/", conversation_views.start, name="start_conversation"),
    path("conversations/", conversation_views.conversation_list, name="conversations"),
    path("conversations/<int:conversation_id>/", conversation_views.conversation, name="conversation"),
]
