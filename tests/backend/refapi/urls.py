"""URLs: dj-rest-auth at its documented mount point, two protected API views, test hooks."""
from django.conf import settings
from django.urls import include, path

from . import views

urlpatterns = [
    path("dj-rest-auth/", include("dj_rest_auth.urls")),
    path("api/me/", views.me),
    path("api/items/", views.items),
]
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
    ]
