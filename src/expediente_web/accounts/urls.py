from django.contrib.auth import views as auth_views
from django.urls import include, path

from expediente_web.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/two-factor/", views.enrol, name="two-factor-enrol"),
    path("account/two-factor/verify/", views.verify, name="two-factor-verify"),
    path(
        "account/two-factor/recovery-codes/", views.recovery_codes, name="two-factor-recovery-codes"
    ),
    path("account/keys/<int:pk>/remove/", views.remove_security_key, name="security-key-remove"),
    # django-otp-webauthn's ceremonies (JSON, posted by its script on the account and the
    # second-step pages).
    path("account/keys/webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("cases/<slug:code>/team/", views.team, name="case-team"),
    path("cases/<slug:code>/team/invite/", views.team_invite, name="case-team-invite"),
    path("cases/<slug:code>/team/<int:user_id>/", views.team_change, name="case-team-change"),
    path(
        "cases/<slug:code>/team/<int:user_id>/revoke/", views.team_revoke, name="case-team-revoke"
    ),
]
