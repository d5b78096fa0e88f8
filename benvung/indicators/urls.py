from django.urls import path

from . import views

# The coordinator's dashboard; the public pages of the same figures are in benvung.portal.
app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("targets/<slug:code>/", views.target, name="target"),
    path("targets/<slug:code>/<int:year>/override/", views.override_set, name="override_set"),
    path("overrides/<int:pk>/withdraw/", views.override_withdraw, name="override_withdraw"),
    path("results/<int:pk>/", views.result_inputs, name="result_inputs"),
]
