//! `doctor()`: what the probes found → findings in plain words, each naming the Django
//! setting to change. The shell runs the probes (`tokenward-doctor`); every judgement is
//! here, natively tested.

use alloc::string::String;
use alloc::vec::Vec;

use super::outcome::{
    csrf_origin_refused, BodyFacts, NOTHING_REVOKED_PREFIX, REFRESH_COOKIE_MISSING_PREFIX,
};

mod account;
mod sites;
mod timing;
mod token;
pub use timing::Stamps;

/// `finding.level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something that breaks sign-in, refresh or logout.
    Error,
    /// Works, but not as safely or smoothly as it could.
    Warning,
    /// For the record.
    Info,
}

impl Level {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// One finding of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How bad.
    pub level: Level,
    /// A stable code.
    pub code: &'static str,
    /// What was seen, in plain words.
    pub message: String,
    /// The setting to change.
    pub fix: Option<String>,
}

/// How a credentialed `GET` of the login endpoint went (it changes nothing at the server:
/// the view only accepts `POST`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The browser could read the answer: CORS with credentials works.
    Readable(u16),
    /// Blocked with credentials, readable without: the server does not allow credentials.
    CredentialsRefused,
    /// Blocked both ways, but the server answered (an opaque `no-cors` request got through):
    /// this origin is not allowed.
    OriginRefused,
    /// No answer at all.
    Unreachable,
}

/// A reply's status and facts, or `None` when it never came.
pub type Answer = Option<(u16, BodyFacts)>;

/// Everything the probes saw. The credentialed steps are `None` without `credentials`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Probes {
    /// The CORS probe.
    pub reach: Option<Reach>,
    /// `POST login` with the given credentials.
    pub login: Option<Answer>,
    /// `POST refresh` with the cookie alone, right after the login.
    pub refresh: Option<Answer>,
    /// `POST logout` without a Bearer, right after: in configurations with an HttpOnly access
    /// cookie this is the request Django checks for CSRF (as after a page reload).
    pub logout_cookie_only: Option<Answer>,
    /// `POST logout` with a Bearer, when the cookie-only one failed.
    pub logout_bearer: Option<Answer>,
    /// The time claims of the cycle's tokens (see [`Stamps`]).
    pub stamps: Option<Stamps>,
    /// A sign-up of this page answered with the refresh token in its body.
    pub sign_up_refresh_in_body: bool,
    /// `GET` of the user endpoint with a made-up token, without cookies: the scheme sent, and
    /// the answer.
    pub refused_token: Option<(String, Answer)>,
}

fn finding(level: Level, code: &'static str, message: &[&str], fix: Option<&[&str]>) -> Finding {
    Finding {
        level,
        code,
        message: message.concat(),
        fix: fix.map(<[&str]>::concat),
    }
}

fn detail(facts: &BodyFacts) -> &str {
    facts.detail.as_deref().unwrap_or("")
}

/// The findings for `probes`, run from the page `origin` against `api` (the base URL).
pub fn diagnose(probes: &Probes, origin: &str, api: &str) -> Vec<Finding> {
    let mut out = probed(probes, origin, api);
    out.extend(sites::findings(origin, api));
    out.extend(account::findings(probes));
    out.extend(token::findings(probes));
    out
}

/// The findings of the probes themselves.
fn probed(probes: &Probes, origin: &str, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    match probes.reach {
        Some(Reach::Unreachable) => {
            out.push(finding(
                Level::Error,
                "server_unreachable",
                &["No answer from ", api, " (server down, wrong baseUrl, or blocked before it answered)."],
                Some(&["Check baseUrl and that the API is running and reachable from this page."]),
            ));
            return out;
        }
        Some(Reach::OriginRefused) => {
            out.push(finding(
                Level::Error,
                "cors_origin_not_allowed",
                &["The API answered, but without CORS headers for this page's origin ", origin,
                  ", so the browser hides every answer from the SDK."],
                Some(&["Add \"", origin, "\" to CORS_ALLOWED_ORIGINS (django-cors-headers). The origin must match exactly: scheme, host and port (localhost is not 127.0.0.1)."]),
            ));
            return out;
        }
        Some(Reach::CredentialsRefused) => {
            out.push(finding(
                Level::Error,
                "cors_credentials_off",
                &["The API allows ", origin,
                  " but not with credentials, so the browser neither sends nor stores its cookies: the HttpOnly refresh cookie cannot work."],
                Some(&["Set CORS_ALLOW_CREDENTIALS = True (and keep CORS_ALLOWED_ORIGINS explicit: \"*\" is refused with credentials)."]),
            ));
            return out;
        }
        Some(Reach::Readable(404)) => out.push(finding(
            Level::Error,
            "endpoint_not_found",
            &["The login endpoint answered 404."],
            Some(&["Mount dj_rest_auth.urls at \"dj-rest-auth/\" in urls.py, or set `endpoints` in the AuthClient config."]),
        )),
        Some(Reach::Readable(_)) | None => {}
    }

    let Some(login) = &probes.login else {
        if out.is_empty() {
            out.push(finding(
                Level::Info,
                "cors_ok",
                &["CORS with credentials works for ", origin,
                  ". Pass { credentials } to doctor() to also check login, the refresh cookie and logout."],
                None,
            ));
        }
        return out;
    };
    match login {
        Some((200..=299, facts)) => {
            if facts.refresh_in_body {
                out.push(finding(
                    Level::Error,
                    "refresh_token_in_body",
                    &["The login reply carries the refresh token in its body, where any script on the page can read it."],
                    Some(&["Set REST_AUTH[\"JWT_AUTH_HTTPONLY\"] = True (the refresh token then travels only in the HttpOnly cookie)."]),
                ));
            }
            if facts.access.is_none() {
                out.push(finding(
                    Level::Error,
                    "no_access_token",
                    &["The login reply has no access token."],
                    Some(&["Set REST_AUTH[\"USE_JWT\"] = True, or `fields.access` in the AuthClient config."]),
                ));
            }
        }
        Some((403, facts)) => {
            out.push(csrf_finding(detail(facts), origin, "login"));
            return out;
        }
        Some((status, facts)) => {
            let mut message = String::from("Login with the given credentials failed");
            if *status == 400 || *status == 401 {
                message.push_str(" (the server refused them)");
            }
            message.push_str(": ");
            message.push_str(detail(facts));
            out.push(Finding {
                level: Level::Error,
                code: "login_failed",
                message,
                fix: Some(String::from(
                    "Pass the credentials of a working account to doctor().",
                )),
            });
            return out;
        }
        None => {
            out.push(finding(
                Level::Error,
                "login_failed",
                &["The login request got no answer."],
                None,
            ));
            return out;
        }
    }

    match &probes.refresh {
        Some(Some((200..=299, _))) => {}
        Some(Some((status, facts))) if *status == 400 || *status == 401 => out.push(finding(
            Level::Error,
            "refresh_cookie_not_sent",
            &["Right after the login, refreshing from the cookie failed (", detail(facts),
              "): the refresh cookie was not stored or not sent back."],
            Some(&["Set REST_AUTH[\"JWT_AUTH_REFRESH_COOKIE\"] = \"refresh_token\". A cookie with JWT_AUTH_SAMESITE = \"None\" must also be Secure (JWT_AUTH_SECURE = True, served over HTTPS): browsers refuse it otherwise, and a page cannot see which attributes an HttpOnly cookie had. If the page and the API are on different sites, see cross_site. Check JWT_AUTH_COOKIE_DOMAIN and CORS_ALLOW_CREDENTIALS = True."]),
        )),
        Some(Some((_, facts))) => out.push(finding(
            Level::Error,
            "refresh_failed",
            &["Refreshing from the cookie failed: ", detail(facts)],
            None,
        )),
        Some(None) => out.push(finding(Level::Error, "refresh_failed", &["The refresh request got no answer."], None)),
        None => {}
    }

    let logout = match (&probes.logout_cookie_only, &probes.logout_bearer) {
        (Some(Some((403, facts))), bearer) => {
            let text = detail(facts);
            if csrf_origin_refused(text) {
                out.push(csrf_finding(text, origin, "logout"));
            } else {
                out.push(finding(
                    Level::Info,
                    "access_cookie_csrf",
                    &["With REST_AUTH[\"JWT_AUTH_COOKIE\"] set, the HttpOnly access cookie makes Django check CSRF on login and logout (", text,
                      "). tokenward gets past it with a Bearer from the refresh cookie."],
                    Some(&["Nothing to do; drop JWT_AUTH_COOKIE if no part of the site authenticates by that cookie."]),
                ));
            }
            bearer.as_ref()
        }
        (Some(answer), _) => Some(answer),
        (None, _) => None,
    };
    match logout {
        Some(Some((200..=299, facts))) if detail(facts).starts_with(NOTHING_REVOKED_PREFIX) => {
            out.push(finding(
                Level::Warning,
                "logout_not_revoked",
                &["Logout deleted the cookies, but the refresh token was not revoked: a copy taken before logout keeps working until it expires. (The server's message, \"",
                  detail(facts), "\", is about revocation.)"],
                Some(&["Add \"rest_framework_simplejwt.token_blacklist\" to INSTALLED_APPS and migrate (adding JWT_AUTH_COOKIE does not revoke anything); with it, also consider SIMPLE_JWT ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION."]),
            ));
        }
        Some(Some((200..=299, _))) => {}
        Some(Some((401, facts)))
            if detail(facts).starts_with(REFRESH_COOKIE_MISSING_PREFIX)
                && matches!(&probes.refresh, Some(Some((200..=299, _)))) =>
        {
            out.push(finding(
                Level::Warning,
                "refresh_cookie_path",
                &["The refresh right after the login carried the refresh cookie, but logout answered \"",
                  detail(facts),
                  "\": the cookie's path keeps it from the logout URL. Sign-out still deletes the cookies in this browser, but revokes nothing: the refresh token stays valid until it expires."],
                Some(&["Set REST_AUTH[\"JWT_AUTH_REFRESH_COOKIE_PATH\"] to a path that covers both the refresh and the logout URLs: their common prefix (\"/dj-rest-auth/\" at dj-rest-auth's documented mount) or \"/\"."]),
            ));
        }
        Some(Some((_, facts))) => out.push(finding(
            Level::Error,
            "logout_failed",
            &["Logout failed: ", detail(facts)],
            None,
        )),
        Some(None) => out.push(finding(
            Level::Error,
            "logout_failed",
            &["The logout request got no answer."],
            None,
        )),
        None => {}
    }
    if let Some(stamps) = &probes.stamps {
        out.extend(timing::findings(stamps));
    }
    out
}

fn csrf_finding(detail: &str, origin: &str, call: &str) -> Finding {
    Finding {
        level: Level::Error,
        code: "csrf_failed",
        message: [
            "Django's CSRF check refused the ",
            call,
            " request (",
            detail,
            "). It runs whenever the HttpOnly access cookie is present, as after a page reload.",
        ]
        .concat(),
        fix: Some(["Add \"", origin, "\" to CSRF_TRUSTED_ORIGINS."].concat()),
    }
}

/// Whether the report is clean: no error-level finding.
pub fn ok(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| f.level == Level::Error)
}

#[cfg(test)]
#[path = "../tests/doctor.rs"]
mod tests;
