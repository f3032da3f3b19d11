//! `auth.doctor(options?)`: runs the probes; `crate::core::doctor` judges them.
//!
//! Without `options.credentials` it only sends `GET`s to the login endpoint (which accepts
//! only `POST`, so nothing changes at the server). With them it runs a throwaway login →
//! refresh → logout cycle, after which the browser (and this client) is signed out.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Object, JSON};
use wasm_bindgen::prelude::*;

use crate::core::doctor::{self, Answer, Probes, Reach};
use crate::core::outcome::{classify, csrf_origin_refused, BodyFacts, Endpoint, Grant, Verdict};
use crate::core::secret::Secret;
use crate::platform::{get, http, now, set};

use super::client::Inner;

impl Inner {
    /// How the login endpoint answers a `GET`: with credentials, without, or only opaquely.
    async fn reach(&self) -> Reach {
        for (include, no_cors) in [(true, false), (false, false), (false, true)] {
            if let Ok(status) =
                http::probe(&self.cfg.login, include, no_cors, self.cfg.timeout_ms).await
            {
                return match (include, no_cors) {
                    (true, _) => Reach::Readable(status),
                    (_, false) => Reach::CredentialsRefused,
                    _ => Reach::OriginRefused,
                };
            }
        }
        Reach::Unreachable
    }

    async fn answer(&self, endpoint: Endpoint, body: &str, bearer: Option<&Secret>) -> Answer {
        self.call(endpoint, Some(body), bearer)
            .await
            .ok()
            .map(|(reply, facts)| (reply.status, facts))
    }

    /// The probes and the report.
    pub(super) async fn doctor(&self, options: Option<Object>) -> JsValue {
        let mut probes = Probes {
            reach: Some(self.reach().await),
            ..Probes::default()
        };
        let credentials = options
            .as_ref()
            .map(|o| get(o, "credentials"))
            .filter(JsValue::is_object)
            .and_then(|c| JSON::stringify(&c).ok())
            .and_then(|s| s.as_string());
        let readable = matches!(probes.reach, Some(Reach::Readable(s)) if s != 404);
        if let (Some(body), true) = (credentials, readable) {
            self.credentialed_cycle(&body, &mut probes).await;
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
        report.into()
    }

    async fn credentialed_cycle(&self, credentials: &str, probes: &mut Probes) {
        // Login; an alive access cookie (configs b, c) may make Django check CSRF first.
        let mut login = self.answer(Endpoint::Login, credentials, None).await;
        if let Some((403, facts)) = &login {
            if classify(Endpoint::Login, 403, facts) == Verdict::Csrf && !origin_refused(facts) {
                if let Some(bearer) = self.bearer_from_cookie().await {
                    login = self
                        .answer(Endpoint::Login, credentials, Some(&bearer))
                        .await;
                }
            }
        }
        let signed_in = matches!(&login, Some((200..=299, _)));
        probes.login = Some(login);
        if !signed_in {
            return;
        }
        let refresh = self.answer(Endpoint::Refresh, "{}", None).await;
        let bearer = match &refresh {
            Some((200..=299, facts)) => Grant::from_facts(facts, 200).ok().map(|g| g.token),
            _ => None,
        };
        probes.refresh = Some(refresh);
        // Logout as after a page reload (no Bearer): the request Django CSRF-checks when the
        // HttpOnly access cookie is present.
        let plain = self.answer(Endpoint::Logout, "{}", None).await;
        if matches!(&plain, Some((403, _))) {
            probes.logout_bearer = Some(self.answer(Endpoint::Logout, "{}", bearer.as_ref()).await);
        }
        probes.logout_cookie_only = Some(plain);
        // The browser is signed out; so is this client.
        let confirmed = [&probes.logout_cookie_only, &probes.logout_bearer]
            .iter()
            .any(|a| matches!(a, Some(Some((200..=299, _)))));
        self.machine.borrow_mut().logout(now());
        if confirmed {
            self.machine.borrow_mut().server_logout_done();
        }
        self.step();
    }
}

fn origin_refused(facts: &BodyFacts) -> bool {
    facts.detail.as_deref().is_some_and(csrf_origin_refused)
}
