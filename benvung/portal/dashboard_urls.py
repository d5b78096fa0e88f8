from django.urls import path

from . import dashboard as views

# The coordinator's dashboard (dashboard.py), beside the public pages of the same figures;
# the namespace stays `indicators`.
app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("targets/<slug:code>/", views.target, name="target"),
    path("targets/<slug:code>/<int:year>/override/", views.override_set, name="override_set"),
    path("overrides/<int:pk>/withdraw/", views.override_withdraw, name="override_withdraw"),
    path("results/<int:pk>/", views.result_inputs, name="result_inputs"),
]
