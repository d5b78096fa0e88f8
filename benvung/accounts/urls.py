from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("account/", two_factor_views.account, name="account"),
    path("two-step/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-step/set-up/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("two-step/off/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("two-step/recovery-codes/", two_factor_views.recovery_codes, name="recovery_codes"),
    path(
        "two-step/recovery-codes/download/",
        two_factor_views.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path(
        "two-step/recovery-codes/new/",
        two_factor_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("users/<int:pk>/active/", views.set_user_active, name="set_user_active"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
]
