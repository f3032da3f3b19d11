"""URLs: dj-rest-auth at its documented mount point (with registration when enabled), a
provider-style login view, two protected API views, test hooks."""
from django.conf import settings
from django.urls import include, path

from . import views

urlpatterns = [
    path("dj-rest-auth/", include("dj_rest_auth.urls")),
    # A session-creating view that answers like LoginView, as social login views do.
    path("dj-rest-auth/demo-provider/", views.DemoProviderLoginView.as_view()),
    path("api/me/", views.me),
    path("api/items/", views.items),
    path("api/whoami/", views.whoami),
    path("api/forbidden/", views.forbidden),
    path("api/stream/", views.stream),
    path("api/slow/", views.slow),
    # Where a password-reset e-mail links to (in a real deployment: the SPA's own page).
    path("reset/<uidb64>/<token>/", views.me, name="password_reset_confirm"),
]
if settings.REGISTRATION:
    urlpatterns += [path("dj-rest-auth/registration/", include("dj_rest_auth.registration.urls"))]
if settings.TEST_HOOKS:
    from . import testhooks

    urlpatterns += [
        path("test/info/", testhooks.info),
        path("test/counters/", testhooks.counters),
        path("test/counters/reset/", testhooks.reset_counters),
        path("test/revoke-access/", testhooks.revoke_access),
        path("test/faults/", testhooks.faults),
        path("test/blacklist-refresh/", testhooks.blacklist_refresh),
        path("test/echo/", testhooks.echo),
        path("test/outbox/", testhooks.outbox),
    ]
