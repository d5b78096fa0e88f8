from django.urls import path

from . import views

app_name = "retail"
urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("new/", views.survey_form, name="survey_create"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/edit/", views.survey_form, name="survey_edit"),
    path("<int:pk>/delete/", views.survey_delete, name="survey_delete"),
    path("<int:pk>/evidence/", views.evidence_download, name="evidence_download"),
]
