from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/evidence/", views.activity_evidence, name="activity_evidence"),
    path("models/", views.scp_model_list, name="scp_model_list"),
    path("models/new/", views.scp_model_create, name="scp_model_create"),
    path("models/<int:pk>/", views.scp_model_detail, name="scp_model_detail"),
    path("models/<int:pk>/edit/", views.scp_model_edit, name="scp_model_edit"),
    path("models/<int:pk>/review/", views.scp_model_review, name="scp_model_review"),
    path("models/<int:pk>/delete/", views.scp_model_delete, name="scp_model_delete"),
    path("models/<int:pk>/evidence/", views.scp_model_evidence, name="scp_model_evidence"),
]
