"""The protected API of the reference backend, and a provider-style login view."""
from dj_rest_auth.views import LoginView
from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.decorators import api_view
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
