from django.urls import path
from django.views.generic import RedirectView

from . import views
from .imports import KIND

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/<int:year>/", views.site_year_edit, name="site_year_edit"),
    path("sites/<int:pk>/<int:year>/confirm/", views.site_year_confirm, name="site_year_confirm"),
    path("sites/<int:pk>/<int:year>/submit/", views.site_year_submit, name="site_year_submit"),
    path("sectors/<slug:key>/", views.sector_detail, name="sector_detail"),
    path("efficiency.xlsx", views.export_xlsx, name="export_xlsx"),
    path("reference/", views.reference, name="reference"),
    path("reference/<slug:kind>/<int:pk>/", views.reference_correct, name="reference_correct"),
    # The consumption workbook's import moved to /imports/consumption/ (the pages every
    # import shares); its old addresses lead there.
    path(
        "template.xlsx",
        RedirectView.as_view(pattern_name="imports:template", query_string=True),
        {"kind": KIND},
    ),
    path("import/", RedirectView.as_view(pattern_name="imports:new"), {"kind": KIND}),
    path("import/<str:token>/", RedirectView.as_view(pattern_name="imports:detail")),
    path("import/<str:token>/<slug:action>/", views.import_action_moved),
]
