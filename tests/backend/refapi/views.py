"""The protected API of the reference backend."""
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
