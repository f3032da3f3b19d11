//! Where the page and the API are: the same site, or not — and what that does to the refresh
//! cookie. A cross-site API makes the refresh cookie a third-party cookie: dj-rest-auth's
//! default `SameSite=Lax` keeps the browser from storing it from the login's answer and from
//! sending it with the refresh; `SameSite=None; Secure` works only where third-party cookies
//! are allowed (not in Safari, partitioned in Firefox, not in a Chromium that blocks them).
//!
//! A site is the registrable domain (`example.com` for `app.example.com`), or the host itself
//! for IP addresses, `localhost` and single-label hosts. Without the public suffix list (about
//! 200 KB) the registrable domain is the last two labels, or three under the multi-label
//! suffixes below — the common ones of hosting platforms and country registries.

use alloc::string::String;
use alloc::vec::Vec;

use super::{finding, Finding, Level};

/// Public suffixes of more than one label that apps are often served from.
const MULTI_LABEL_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "com.br",
    "com.cn",
    "com.mx",
    "com.tr",
    "co.in",
    "co.za",
    "com.sg",
    "github.io",
    "gitlab.io",
    "herokuapp.com",
    "netlify.app",
    "vercel.app",
    "pages.dev",
    "workers.dev",
    "onrender.com",
    "fly.dev",
    "azurewebsites.net",
    "azurestaticapps.net",
    "appspot.com",
    "web.app",
    "firebaseapp.com",
    "cloudfront.net",
    "amplifyapp.com",
    "railway.app",
    "up.railway.app",
    "pythonanywhere.com",
    "ngrok.io",
    "ngrok-free.app",
];

/// `(scheme, host)` of an absolute URL or origin; `None` when it is not one.
fn scheme_host(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        // IPv6: `[::1]:8000`.
        authority.split_inclusive(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some((scheme, host))
}

/// The site of `host` (lowercase).
pub fn site(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let ip = host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let labels: Vec<&str> = host.split('.').collect();
    if ip || labels.len() < 3 {
        return host;
    }
    let n = labels.len();
    let last_two = [labels[n - 2], labels[n - 1]].join(".");
    let last_three = [labels[n - 3], labels[n - 2], labels[n - 1]].join(".");
    let take = if MULTI_LABEL_SUFFIXES.contains(&last_two.as_str())
        || MULTI_LABEL_SUFFIXES.contains(&last_three.as_str())
    {
        3 + usize::from(MULTI_LABEL_SUFFIXES.contains(&last_three.as_str()))
    } else {
        2
    };
    labels[n.saturating_sub(take)..].join(".")
}

/// The findings about where the page (`origin`) and the API (`api`) are.
pub fn findings(origin: &str, api: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let (Some((page_scheme, page_host)), Some((api_scheme, api_host))) =
        (scheme_host(origin), scheme_host(api))
    else {
        return out;
    };
    if page_scheme == "https" && api_scheme == "http" {
        out.push(finding(
            Level::Error,
            "mixed_content",
            &[
                "This page is served over https and the API over http (",
                api,
                "): the browser \
               blocks every request to it (mixed content), and no Secure cookie could be set \
               over http either.",
            ],
            Some(&[
                "Serve the API over https (JWT_AUTH_SECURE = True, SESSION_COOKIE_SECURE and \
                    CSRF_COOKIE_SECURE too).",
            ]),
        ));
    }
    let (page_site, api_site) = (site(page_host), site(api_host));
    if page_site != api_site {
        out.push(finding(
            Level::Warning,
            "cross_site",
            &[
                "This page (site ",
                &page_site,
                ") and the API (site ",
                &api_site,
                ") are \
               different sites, so the refresh cookie is a third-party cookie. With \
               dj-rest-auth's default JWT_AUTH_SAMESITE = \"Lax\" the browser neither stores it \
               from the login's answer nor sends it with the refresh: every reload signs the \
               user out. With \"None\" (and JWT_AUTH_SECURE = True, https) it works only where \
               third-party cookies are allowed: Safari blocks them (ITP), Firefox keeps them \
               partitioned per site, and Chromium blocks them when the user or a policy does.",
            ],
            Some(&[
                "Serve the API under the page's site (api.example.com for app.example.com: \
                    same site, SameSite=Lax works), or proxy it under the page's own origin \
                    (/api/ → the API). SameSite=None is a fallback for browsers that still \
                    allow third-party cookies, not a fix.",
            ]),
        ));
    }
    out
}

#[cfg(test)]
#[path = "../tests/doctor_sites.rs"]
mod tests;
