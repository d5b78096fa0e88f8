from django.urls import path

from . import views

# Public addresses are Vietnamese words, readable and shareable ("chỉ tiêu", "chỉ số", "bản đồ",
# "mô hình").
app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("chi-tieu/", views.progress, name="progress"),
    path("chi-tieu/<slug:code>/", views.target_detail, name="target_detail"),
    path("chi-so/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("chi-so/<slug:code>/du-lieu.<str:fmt>", views.indicator_data, name="indicator_data"),
    path("ban-do/", views.coverage_map, name="coverage_map"),
    path("mo-hinh/", views.scp_model_list, name="scp_model_list"),
    path("mo-hinh/<int:pk>/", views.scp_model_detail, name="scp_model_detail"),
]
