from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import closing_views, password_reset, privacy_views, views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("tokens/", views.tokens, name="tokens"),
    path("sessions/", views.sessions, name="sessions"),
    path("password/", views.password_change, name="password-change"),
    path("email/", views.account_email, name="account-email"),
    path("close/", closing_views.account_close_view, name="account-close"),
    path("password-reset/", password_reset.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path("reset/<uidb64>/<token>/", password_reset.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("2fa/", views.second_factor_setup, name="second-factor-setup"),
    path("2fa/verify/", views.second_factor_verify, name="second-factor-verify"),
    path("privacy/", privacy_views.privacy_settings, name="privacy"),
    path("pin/", privacy_views.pin_unlock, name="pin-unlock"),
    path("quick-exit/", privacy_views.quick_exit_view, name="quick-exit"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
