"""Records what the account views do to cookies and tokens, for docs/servers.md.

    python3 tests/backend/probe_accounts.py http://127.0.0.1:8001 [ORIGIN]

Needs a backend with ``REGISTRATION`` and ``TEST_HOOKS=1``. Signs up a fresh user, then walks
through login, refresh, password change, password reset (following the e-mail from the test
outbox), profile update and logout, printing for each step the status, the body's keys, the
cookies set or deleted, and whether the earlier access and refresh tokens still work.
Standard library only.
"""
import json
import re
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

API = sys.argv[1].rstrip("/")
ORIGIN = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8000"
jar = CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def call(path, body=None, bearer=None, method="POST", cookies=True):
    headers = {"Content-Type": "application/json", "Origin": ORIGIN}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    data = None if method == "GET" else json.dumps(body or {}).encode()
    req = urllib.request.Request(API + path, data=data, headers=headers, method=method)
    try:
        res = (opener if cookies else urllib.request.build_opener()).open(req)
    except urllib.error.HTTPError as e:
        res = e
    raw = res.read()
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    set_cookies = []
    for h in res.headers.get_all("Set-Cookie") or []:
        name = h.split("=", 1)[0]
        deleted = "max-age=0" in h.lower() or "expires=thu, 01 jan 1970" in h.lower()
        set_cookies.append(name + (" (deleted)" if deleted else ""))
    step = {"status": res.status, "cookies": set_cookies}
    if isinstance(data, dict):
        step["keys"] = sorted(data)
        for k in ("detail", "non_field_errors"):
            if k in data:
                step[k] = data[k]
        if "refresh" in data:
            step["refresh_in_body"] = bool(data["refresh"])
    elif data is not None:
        step["body"] = data
    return step, data if isinstance(data, dict) else {}


def after(access):
    """Whether the access token from before still authenticates, and the refresh cookie (used
    as the browser would) still refreshes."""
    api, _ = call("/api/me/", bearer=access, method="GET", cookies=False)
    refresh, data = call("/dj-rest-auth/token/refresh/")
    return {"old_access_token": api["status"], "refresh_cookie": refresh["status"]}, data.get("access")


def outbox():
    return json.loads(urllib.request.urlopen(API + "/test/outbox/").read())


name = f"probe{int(time.time() * 1000) % 10_000_000}"
password = "correct-horse-battery-7"
report = {}
call("/test/outbox/", {})
report["register"], reg = call("/dj-rest-auth/registration/", {
    "username": name, "email": f"{name}@example.com", "password1": password, "password2": password,
})
report["register_mail"] = [m["subject"] for m in outbox()]
report["register_cookies_in_jar"] = sorted(c.name for c in jar)
report["register_field_errors"], _ = call("/dj-rest-auth/registration/", {
    "username": name + "x", "email": "not-an-email", "password1": "password", "password2": "password",
})
keys = re.findall(r"account-confirm-email/([-:\w]+)/", " ".join(m["body"] for m in outbox()))
if keys:
    report["verify_email"], _ = call("/dj-rest-auth/registration/verify-email/", {"key": keys[-1]})
report["login"], login = call("/dj-rest-auth/login/", {"username": name, "password": password})
access = login.get("access")
report["refresh"], refreshed = call("/dj-rest-auth/token/refresh/")
access = refreshed.get("access") or access
new_password = "another-horse-battery-8"
report["password_change"], _ = call("/dj-rest-auth/password/change/", {
    "old_password": password, "new_password1": new_password, "new_password2": new_password,
}, bearer=access)
report["after_password_change"], fresh = after(access)
access = fresh or access
report["user_patch"], user = call("/dj-rest-auth/user/", {"first_name": "Probe"}, bearer=access, method="PATCH")
call("/test/outbox/", {})
# As the SDK sends it: with the Bearer (a valid Bearer spares the CSRF check an alive access
# cookie triggers), and without.
report["password_reset_plain"], _ = call("/dj-rest-auth/password/reset/", {"email": f"{name}@example.com"})
call("/test/outbox/", {})
report["password_reset"], _ = call("/dj-rest-auth/password/reset/", {"email": f"{name}@example.com"}, bearer=access)
mails = outbox()
report["password_reset_mail"] = [m["subject"] for m in mails]
link = re.search(r"/reset/([^/\s]+)/([^/\s]+)/", " ".join(m["body"] for m in mails))
if link:
    final = "final-horse-battery-9"
    report["password_reset_confirm"], _ = call("/dj-rest-auth/password/reset/confirm/", {
        "uid": link.group(1), "token": link.group(2), "new_password1": final, "new_password2": final,
    })
    report["after_password_reset"], fresh = after(access)
    access = fresh or access
report["logout"], _ = call("/dj-rest-auth/logout/", bearer=access)
report["cookies_after_logout"] = sorted(c.name for c in jar)
report["login_with_new_password"], _ = call("/dj-rest-auth/login/", {"username": name, "password": "final-horse-battery-9"})
print(json.dumps(report, indent=1, sort_keys=True))
