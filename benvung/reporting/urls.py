from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("<int:pk>/state/", views.cycle_state, name="cycle_state"),
    path("<int:pk>/my-report/", views.my_report, name="my_report"),
    path("<int:pk>/start/<int:agency_pk>/", views.report_start_for, name="report_start_for"),
    path("<int:pk>/consolidation/", views.consolidation, name="consolidation"),
    path(
        "<int:pk>/consolidation/<int:number>/",
        views.consolidation_area,
        name="consolidation_area",
    ),
    path("<int:pk>/tasks.xlsx", views.task_table_xlsx, name="task_table_xlsx"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/<str:action>/", views.report_review, name="report_review"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
