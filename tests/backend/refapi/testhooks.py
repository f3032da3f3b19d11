"""Test hooks, mounted at /test/ only with TEST_HOOKS=1. Never part of a real deployment."""
import threading
import time
from collections import Counter

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.http import HttpResponse

from django.conf import settings
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.exceptions import TokenError

from .auth import REVOKED_JTIS

class QuickPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with 1,000 iterations instead of a million, for test runs only: the default costs
    0.3–0.7 s a login depending on the CPU, which would decide whether a test with a short
    ``timeoutMs`` can log in at all."""

    algorithm = "pbkdf2_sha256_quick"
    iterations = 1000


_lock = threading.Lock()
_counts = Counter()


class CountingMiddleware:
    """Counts requests as ``"METHOD /path/"`` and ``"METHOD /path/ STATUS"``, /test/ excluded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/test/"):
            key = f"{request.method} {request.path}"
            with _lock:
                _counts[key] += 1
                _counts[f"{key} {response.status_code}"] += 1
        return response


_faults = []  # dicts: path, status, body, content_type, delay_ms, times


class FaultMiddleware:
    """Answers requests to a path with a configured fault (inside CORS, so the browser reads it).

    A fault with ``status: null`` only delays the real answer by ``delay_ms``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fault = None
        if request.method != "OPTIONS":
            with _lock:
                for f in _faults:
                    if f["path"] == request.path and f["times"] != 0:
                        f["times"] -= 1
                        fault = dict(f)
                        break
        if fault is None:
            return self.get_response(request)
        if fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000)
        if fault.get("status") is None:
            return self.get_response(request)
        return HttpResponse(
            fault.get("body", ""),
            status=fault["status"],
            content_type=fault.get("content_type", "application/json"),
        )


def _hook(view):
    return api_view(["GET", "POST"])(authentication_classes([])(permission_classes([AllowAny])(view)))


@_hook
def info(request):
    return Response(
        {
            "config": settings.CONFIG,
            "accessLifetime": settings.ACCESS_LIFETIME,
            "registration": settings.REGISTRATION or None,
            "authOrder": settings.AUTH_ORDER or None,
            "headerTypes": list(settings.SIMPLE_JWT.get("AUTH_HEADER_TYPES", ("Bearer",))),
        }
    )


@_hook
def counters(request):
    with _lock:
        return Response(dict(_counts))


@_hook
def reset_counters(request):
    with _lock:
        _counts.clear()
    return Response({})


@_hook
def faults(request):
    """POST {"path", "status", "body", "content_type", "delay_ms", "times"}: the next ``times``
    requests to ``path`` (-1: all) get that answer. POST [] clears all faults."""
    with _lock:
        if isinstance(request.data, list):
            _faults.clear()
        else:
            f = dict(request.data)
            f.setdefault("times", 1)
            _faults.append(f)
        return Response({"faults": len(_faults)})


@_hook
def revoke_access(request):
    """POST {"token": "<access jwt>"}: the API rejects that access token from now on."""
    try:
        token = AccessToken(request.data.get("token", ""))
    except TokenError as e:
        return Response({"detail": str(e)}, status=400)
    REVOKED_JTIS.add(token["jti"])
    return Response({"revoked": token["jti"]})


@_hook
def blacklist_refresh(request):
    """Config c: revokes every refresh token of the demo user ("sign out everywhere")."""
    if settings.CONFIG != "c":
        return Response({"detail": "needs config c"}, status=400)
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    n = 0
    for t in OutstandingToken.objects.filter(user__username="demo"):
        BlacklistedToken.objects.get_or_create(token=t)
        n += 1
    return Response({"blacklisted": n})


@_hook
def echo(request):
    """What arrived: whether an Authorization header came, and which cookie names."""
    return Response(
        {
            "authorization": "HTTP_AUTHORIZATION" in request.META,
            "cookies": sorted(request.COOKIES.keys()),
            "csrf": request.META.get("HTTP_X_CSRFTOKEN"),
            "method": request.method,
        }
    )


@_hook
def outbox(request):
    """GET: the e-mails sent so far (to, subject, body), newest last; POST clears them."""
    from django.core import mail

    sent = getattr(mail, "outbox", [])
    if request.method == "POST":
        sent.clear()
    return Response([{"to": m.to, "subject": m.subject, "body": m.body} for m in sent])
