from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/<str:kind>/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/end/", views.organisation_end, name="organisation_end"),
    path("organisations/<int:pk>/successors/new/", views.succession_add, name="succession_add"),
    path("organisations/<int:pk>/invite/", views.invite_user, name="invite_user"),
    path("organisations/<int:pk>/sites/new/", views.site_create, name="site_create"),
    path("successions/", views.succession_list, name="succession_list"),
    path("successions/<int:pk>/confirm/", views.succession_confirm, name="succession_confirm"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("industrial-areas/", views.industrial_area_list, name="industrial_area_list"),
    path("industrial-areas/new/", views.industrial_area_form, name="industrial_area_create"),
    path("industrial-areas/<int:pk>/", views.industrial_area_detail, name="industrial_area_detail"),
    path(
        "industrial-areas/<int:pk>/edit/", views.industrial_area_form, name="industrial_area_edit"
    ),
    path(
        "industrial-areas/<int:pk>/successors/new/",
        views.industrial_area_succession_add,
        name="industrial_area_succession_add",
    ),
    path(
        "industrial-areas/<int:pk>/confirm/",
        views.industrial_area_confirm,
        name="industrial_area_confirm",
    ),
    path("administrative-units/", views.commune_list, name="commune_list"),
    path("administrative-units/<int:pk>/", views.commune_detail, name="commune_detail"),
    path("administrative-units/lookup/", views.address_lookup_view, name="address_lookup"),
]
