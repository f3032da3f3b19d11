"""dj-rest-auth's cookie/Bearer authentication, plus revocation of single access tokens.

Only used with ``TEST_HOOKS=1``: tests revoke the access token a client holds, which is the
one way to make a server reject a token the client rightly believes unexpired (as happens
after a server-side revocation, a key rotation or a clock the client misjudged).
"""
from dj_rest_auth.jwt_auth import JWTCookieAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

REVOKED_JTIS = set()


class TestableJWTCookieAuthentication(JWTCookieAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if token.get("jti") in REVOKED_JTIS:
            raise InvalidToken({"detail": "Token is revoked", "code": "token_not_valid"})
        return token
