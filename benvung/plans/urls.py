from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/tasks/", views.task_list, name="task_list"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
