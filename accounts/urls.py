from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("tokens/", views.tokens, name="tokens"),
    path("sessions/", views.sessions, name="sessions"),
    path("2fa/", views.second_factor_setup, name="second-factor-setup"),
    path("2fa/verify/", views.second_factor_verify, name="second-factor-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
