//! # tokenward-doctor
//!
//! The probes of `doctor()`: [`examine`] runs them with the client's config, and
//! `tokenward_core::doctor` judges them. The npm package calls them from a module of its own
//! (`tokenward-doctor-module`, loaded on the first `doctor()`); the Rust API calls them
//! directly.
//!
//! Without `options.credentials` it only sends `GET`s (to the login endpoint, which accepts
//! only `POST`, and to the user endpoint with a made-up token and no cookies): nothing changes
//! at the server. With them it runs a throwaway login → refresh → logout cycle, after which the
//! browser is signed out (the calling client follows, see `Cycle`).
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::string::String;
use js_sys::{Array, Object, JSON};
use tokenward_core::doctor::{self, Answer, Probes, Reach, Stamps};
use tokenward_core::login::{self, LoginStep};
use tokenward_core::logout::{self, LogoutStep};
use tokenward_core::outcome::{classify, csrf_origin_refused, BodyFacts, Endpoint, Grant, Verdict};
use tokenward_core::secret::Secret;
use tokenward_core::session::{Delay, Payload, Request};
use tokenward_web::codec;
use tokenward_web::config::Config;
use tokenward_web::doctor::Examined;
use tokenward_web::endpoint;
use tokenward_web::timer::sleep;
use tokenward_web::{get, http, set};
use wasm_bindgen::prelude::*;

/// What a credentialed cycle did to the browser's session.
#[derive(Clone, Copy, Default)]
struct Cycle {
    /// The throwaway login succeeded: the cookies of any earlier session were replaced.
    signed_in: bool,
    /// The logout that ended it reached the view, which deleted the cookies (a 2xx, or the
    /// view's own 401: see `tokenward_core::logout`).
    cleared: bool,
}

/// The probes on `cfg` (a throwaway client's: memory storage, no cross-tab messages), with
/// `options` as `doctor(options)`'s; `exposed`: a sign-up of the calling client answered with
/// the refresh token in its body. For `Driver::doctor`, which puts a credentialed cycle in the
/// calling client's queue.
pub async fn examine(cfg: &Config, options: Option<Object>, exposed: bool) -> Examined {
    let (report, cycle) = Probe { cfg }.examine(options, exposed).await;
    Examined {
        report,
        signed_in: cycle.signed_in,
        cleared: cycle.cleared,
    }
}

/// The probes, on a config.
struct Probe<'a> {
    cfg: &'a Config,
}

impl Probe<'_> {
    /// How the login endpoint answers a `GET`: with credentials, without, or only opaquely.
    async fn reach(&self) -> Reach {
        let timeout = Delay::ms(self.cfg.timeout_ms);
        for (include, no_cors) in [(true, false), (false, false), (false, true)] {
            let login = self.cfg.url(Endpoint::Login).unwrap_or_default();
            if let Ok(status) = http::probe(login, include, no_cors, timeout).await {
                return match (include, no_cors) {
                    (true, _) => Reach::Readable(status),
                    (_, false) => Reach::CredentialsRefused,
                    _ => Reach::OriginRefused,
                };
            }
        }
        Reach::Unreachable
    }

    async fn answer(
        &self,
        endpoint: Endpoint,
        payload: Payload,
        bearer: Option<&Secret>,
    ) -> Answer {
        let request = Request {
            endpoint,
            url: None,
            payload,
            bearer: bearer.cloned(),
            mint_csrf: false,
            timeout: Delay::ms(self.cfg.timeout_ms),
        };
        endpoint::send(self.cfg, &request, None)
            .await
            .ok()
            .map(|reply| (reply.status, reply.facts))
    }

    /// A refresh outside the session, only to obtain a Bearer that lets the login past
    /// Django's CSRF check (a valid Bearer header skips it).
    async fn bearer_from_cookie(&self) -> Option<Secret> {
        let (status, facts) = self.answer(Endpoint::Refresh, Payload::Empty, None).await?;
        if classify(Endpoint::Refresh, status, &facts) != Verdict::Ok {
            return None;
        }
        Grant::from_facts(&facts, status).ok().map(|g| g.token)
    }

    /// The probes, the report, and what a credentialed cycle did.
    pub async fn examine(&self, options: Option<Object>, exposed: bool) -> (JsValue, Cycle) {
        let mut probes = Probes {
            reach: Some(self.reach().await),
            sign_up_refresh_in_body: exposed,
            ..Probes::default()
        };
        let credentials = options
            .as_ref()
            .map(|o| get(o, "credentials"))
            .filter(JsValue::is_object)
            .and_then(|c| JSON::stringify(&c).ok())
            .and_then(|s| s.as_string());
        let readable = matches!(probes.reach, Some(Reach::Readable(s)) if s != 404);
        if readable {
            probes.refused_token = self.token_probe().await;
        }
        let mut cycle = Cycle::default();
        if let (Some(body), true) = (credentials, readable) {
            cycle = self.credentialed_cycle(&body, &mut probes).await;
        }
        let origin = get(&get(&js_sys::global(), "location"), "origin")
            .as_string()
            .unwrap_or_default();
        let findings = doctor::diagnose(&probes, &origin, &self.cfg.base);
        let report = Object::new();
        let list = Array::new();
        for f in &findings {
            let o = Object::new();
            set(&o, "level", &JsValue::from_str(f.level.as_str()));
            set(&o, "code", &JsValue::from_str(f.code));
            set(&o, "message", &JsValue::from_str(&f.message));
            if let Some(fix) = &f.fix {
                set(&o, "fix", &JsValue::from_str(fix));
            }
            list.push(&o);
        }
        set(&report, "ok", &JsValue::from_bool(doctor::ok(&findings)));
        set(&report, "findings", &list);
        (report.into(), cycle)
    }

    /// The user endpoint's answer to a made-up token sent with `authScheme` (no cookies).
    async fn token_probe(&self) -> Option<(String, Answer)> {
        let url = self.cfg.url(Endpoint::User)?;
        let scheme = &self.cfg.auth_scheme;
        let made_up = Secret::new(String::from("tokenward.doctor.probe"));
        let extra = http::Extra {
            bearer: http::bearer(scheme, Some(&made_up)),
            csrf: None,
        };
        let timeout = Delay::ms(self.cfg.timeout_ms);
        let answer = http::probe_reply(url, &extra, timeout).await.ok().map(|r| {
            let reply = codec::reply(Endpoint::User, r, &self.cfg.fields);
            (reply.status, reply.facts)
        });
        Some((scheme.clone(), answer))
    }

    async fn credentialed_cycle(&self, credentials: &str, probes: &mut Probes) -> Cycle {
        // Login; an alive access cookie (configs b, c) may make Django check CSRF first.
        // The same exchange as login() (`login::next_step`), except that a refused origin is
        // reported rather than worked around.
        let body = || Payload::Credentials(Secret::new(String::from(credentials)));
        let mut login = self.answer(Endpoint::Login, body(), None).await;
        if let Some((status, facts)) = &login {
            let step = login::next_step(Ok((*status, facts)), false);
            if matches!(step, LoginStep::ResendWithFreshBearer { .. }) && !origin_refused(facts) {
                if let Some(bearer) = self.bearer_from_cookie().await {
                    login = self.answer(Endpoint::Login, body(), Some(&bearer)).await;
                }
            }
        }
        let received = js_sys::Date::now() as u64;
        let signed_in = matches!(&login, Some((200..=299, _)));
        let claims = |answer: &Answer| match answer {
            Some((200..=299, facts)) => Grant::from_facts(facts, 200).ok(),
            _ => None,
        };
        let login_grant = claims(&login);
        probes.login = Some(login);
        if !signed_in {
            return Cycle::default();
        }
        // Past the next whole second, so that a refreshed token's iat differs from the
        // login's unless the server copies it (simplejwt ≤ 5.5.0).
        sleep(1100).await;
        let refresh = self.answer(Endpoint::Refresh, Payload::Empty, None).await;
        let refresh_grant = claims(&refresh);
        if let Some(login) = &login_grant {
            probes.stamps = Some(Stamps {
                login: login.claims,
                login_received: received,
                refresh: refresh_grant.as_ref().map(|g| g.claims),
            });
        }
        let bearer = refresh_grant.map(|g| g.token);
        probes.refresh = Some(refresh);
        // Logout as after a page reload (no Bearer): the request Django CSRF-checks when the
        // HttpOnly access cookie is present.
        let plain = self.answer(Endpoint::Logout, Payload::Empty, None).await;
        if matches!(&plain, Some((403, _))) {
            probes.logout_bearer = Some(
                self.answer(Endpoint::Logout, Payload::Empty, bearer.as_ref())
                    .await,
            );
        }
        probes.logout_cookie_only = Some(plain);
        // The browser is signed out (the caller signs the client out too), when one of the
        // logouts reached the view.
        let cleared = |answer: &Option<Answer>, bearer: bool| match answer {
            Some(Some((status, facts))) => matches!(
                logout::next_step(Ok((*status, facts)), bearer, true),
                LogoutStep::Finished(o) if o.cookies_cleared
            ),
            _ => false,
        };
        Cycle {
            signed_in: true,
            cleared: cleared(&probes.logout_cookie_only, false)
                || cleared(&probes.logout_bearer, true),
        }
    }
}

fn origin_refused(facts: &BodyFacts) -> bool {
    facts.detail.as_deref().is_some_and(csrf_origin_refused)
}
