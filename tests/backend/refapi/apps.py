"""The reference API app. With ``ACCESS_IAT=0`` its access tokens carry no ``iat`` claim (as some
servers issue them), for the tests of token timing without it."""
import os

from django.apps import AppConfig


class RefapiConfig(AppConfig):
    name = "refapi"

    def ready(self):
        if os.environ.get("ACCESS_IAT") == "0":
            from rest_framework_simplejwt.tokens import AccessToken

            # Access tokens never set iat; refreshed ones do not copy the refresh token's
            # (simplejwt 5.5.1 leaves iat out of the copied claims).
            AccessToken.set_iat = lambda self, *args, **kwargs: None
