from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("bodies/<int:body_id>/login-failures/", views.login_failures, name="login_failures"),
    path("bodies/<int:body_id>/unlock/", views.login_unlock_view, name="login_unlock"),
]
urlpatterns += [
    path("factor/setup/", views.factor_setup, name="factor_setup"),
    path("factor/verify/", views.factor_verify, name="factor_verify"),
    path(
        "factor/passkey/register/options/",
        views.passkey_register_options,
        name="passkey_register_options",
    ),
    path("factor/passkey/register/", views.passkey_register, name="passkey_register"),
    path("factor/passkey/options/", views.passkey_options, name="passkey_options"),
    path("factor/passkey/verify/", views.passkey_verify, name="passkey_verify"),
    path("factor/passkey/<int:passkey_id>/remove/", views.passkey_remove, name="passkey_remove"),
    path(
        "bodies/<int:body_id>/factor-reset/",
        views.factor_reset_request_view,
        name="factor_reset_request",
    ),
    path(
        "bodies/<int:body_id>/factor-reset/<int:reset_id>/approve/",
        views.factor_reset_approve_view,
        name="factor_reset_approve",
    ),
]
