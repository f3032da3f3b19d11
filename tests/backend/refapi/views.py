"""The protected API of the reference backend, views for auth.fetch's tests (one open to
anyone, a streamed body, a slow answer), and a provider-style login view."""
import time

from dj_rest_auth.views import LoginView
from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response


def _user(user):
    return {"pk": user.pk, "username": user.username, "email": user.email}


@api_view(["GET"])
def me(request):
    """GET /api/me/ — the signed-in user."""
    return Response(_user(request.user))


@api_view(["POST"])
def items(request):
    """POST /api/items/ — an unsafe, protected call; echoes the item back."""
    name = request.data.get("name") if isinstance(request.data, dict) else None
    return Response({"name": name, "owner": request.user.username}, status=201)


class DemoProviderSerializer(serializers.Serializer):
    """Stands in for a social provider's token check: ``{"access_token": "demo-provider-token"}``
    signs in the demo user (no external provider is reachable from the tests)."""

    access_token = serializers.CharField()

    def validate(self, attrs):
        if attrs["access_token"] != "demo-provider-token":
            raise serializers.ValidationError("The provider refused the token.")
        attrs["user"] = get_user_model().objects.get(username="demo")
        return attrs


class DemoProviderLoginView(LoginView):
    """Answers like dj-rest-auth's LoginView (which SocialLoginView also is): the JWT pair through
    dj-rest-auth's own helpers, the cookies set the same way."""

    serializer_class = DemoProviderSerializer


@api_view(["GET"])
@permission_classes([IsAdminUser])
def forbidden(request):
    """GET /api/forbidden/ — staff only: a permission refusal (403) for a valid token."""
    return Response({})


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def whoami(request):
    """GET /api/whoami/ — open to anyone (DRF's default permission), as many views are: whether
    and how the caller was authenticated (``via``: "header" when the Authorization header did
    it, "cookie" for the HttpOnly access cookie), and the header's scheme."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    user = request.user if request.user.is_authenticated else None
    via = None
    if user is not None:
        via = "header" if header else "cookie"
    return Response({
        "authenticated": user is not None,
        "username": user.username if user else None,
        "via": via,
        "scheme": header.split(" ", 1)[0] if header else None,
    })


@api_view(["GET"])
@permission_classes([AllowAny])
def stream(request):
    """GET /api/stream/?chunks=N&ms=M — N chunks of 1 KiB, one every M ms (a slow download)."""
    chunks = min(int(request.GET.get("chunks", "50")), 1000)
    pause = min(int(request.GET.get("ms", "100")), 5000) / 1000

    def body():
        for _ in range(chunks):
            yield b"x" * 1024
            time.sleep(pause)

    return StreamingHttpResponse(body(), content_type="application/octet-stream")


@api_view(["GET", "POST"])
@permission_classes([AllowAny])
def slow(request):
    """GET or POST /api/slow/?ms=N — answers after N ms (a slow report view, or an upload the
    server reads whole before answering); echoes how many body bytes it read."""
    time.sleep(min(int(request.GET.get("ms", "1000")), 30000) / 1000)
    return Response({"read": len(request.body)})
