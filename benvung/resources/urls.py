from django.urls import path

from . import views

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
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("import/", views.import_new, name="import_new"),
    path("import/<str:token>/", views.import_detail, name="import_detail"),
    path("import/<str:token>/<slug:action>/", views.import_action, name="import_action"),
]
