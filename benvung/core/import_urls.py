"""Every import from Excel (the consumption workbook, outreach activities, SCP models, packaging
surveys...), at /imports/<kind>/ and /imports/job/<token>/."""

from django.urls import path

from . import import_views as views

app_name = "imports"
urlpatterns = [
    path("job/<str:token>/", views.import_detail, name="detail"),
    path("job/<str:token>/progress/", views.import_progress, name="progress"),
    path("job/<str:token>/<slug:action>/", views.import_action, name="action"),
    path("<slug:kind>/", views.import_new, name="new"),
    path("<slug:kind>/template.xlsx", views.template_xlsx, name="template"),
]
