"""Records how a running backend answers the SDK's requests, for docs/servers.md.

    python3 tests/backend/probe.py http://127.0.0.1:8001 [ORIGIN]

Prints one JSON object: for login, refresh, a logout the way a reloaded page sends it (cookies,
no Bearer, no CSRF token), a logout with a Bearer, and a refresh after logout — the status, the
body's keys (and `detail`), the cookies set or deleted with their attributes, and the access
tokens' `iat` / `exp` (to see whether a refreshed token's `iat` is fresh). Standard library only.
"""
import base64
import json
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

API = sys.argv[1].rstrip("/")
ORIGIN = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8000"
jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def claims(token):
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        c = json.loads(base64.urlsafe_b64decode(payload))
        return {k: c.get(k) for k in ("iat", "exp")}
    except Exception:  # noqa: BLE001 - anything unreadable is reported as such
        return None


def call(path, body=None, bearer=None):
    headers = {"Content-Type": "application/json", "Origin": ORIGIN}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    req = urllib.request.Request(
        API + path, data=json.dumps(body or {}).encode(), headers=headers, method="POST"
    )
    try:
        res = opener.open(req)
    except urllib.error.HTTPError as e:
        res = e
    raw = res.read()
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    cookies = []
    for h in res.headers.get_all("Set-Cookie") or []:
        parts = [p.strip() for p in h.split(";")]
        name = parts[0].split("=", 1)[0]
        attrs = sorted(p.split("=", 1)[0].lower() for p in parts[1:])
        deleted = any(p.lower() in ("max-age=0",) for p in parts[1:]) or 'expires=thu, 01 jan 1970' in h.lower()
        cookies.append({"name": name, "deleted": deleted, "attrs": attrs})
    out = {"status": res.status, "cookies": cookies}
    if isinstance(data, dict):
        out["keys"] = sorted(data)
        if "detail" in data:
            out["detail"] = data["detail"]
        if isinstance(data.get("access"), str):
            out["access"] = claims(data["access"])
        if "refresh" in data:
            out["refresh_in_body"] = bool(data["refresh"])
    return out, data


report = {}
report["login"], login = call("/dj-rest-auth/login/", {"username": "demo", "password": "tokenward-demo"})
time.sleep(1.2)  # a second later, so that a copied iat shows
report["refresh"], refreshed = call("/dj-rest-auth/token/refresh/")
report["logout_reloaded_page"], _ = call("/dj-rest-auth/logout/")
bearer = (refreshed or {}).get("access")
report["logout_with_bearer"], _ = call("/dj-rest-auth/logout/", bearer=bearer)
report["refresh_after_logout"], _ = call("/dj-rest-auth/token/refresh/")
report["logout_without_session"], _ = call("/dj-rest-auth/logout/")
report["login_wrong_password"], _ = call("/dj-rest-auth/login/", {"username": "demo", "password": "nope"})
# A refresh cookie used twice (with rotation, the second use is of a blacklisted token).
call("/dj-rest-auth/login/", {"username": "demo", "password": "tokenward-demo"})
old = next((c.value for c in jar if c.name == "refresh_token"), None)
call("/dj-rest-auth/token/refresh/")
jar.clear()
report["refresh_with_a_used_cookie"], _ = call("/dj-rest-auth/token/refresh/", {"refresh": old} if old else None)
login_iat = (report["login"].get("access") or {}).get("iat")
refresh_iat = (report["refresh"].get("access") or {}).get("iat")
report["refreshed_iat_is_copied"] = login_iat is not None and login_iat == refresh_iat
print(json.dumps(report, indent=1, sort_keys=True))
