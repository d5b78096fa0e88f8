from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/download/<str:fmt>/", views.document_download, name="document_download"),
    path("<int:pk>/regenerate/", views.document_regenerate, name="document_regenerate"),
    path("<int:pk>/issue/", views.document_issue, name="document_issue"),
    path("cycles/<int:pk>/generate/", views.annual_generate, name="annual_generate"),
    path("cycles/<int:pk>/text/", views.annual_text, name="annual_text"),
    path("agency-reports/<int:pk>/generate/", views.agency_generate, name="agency_generate"),
]
