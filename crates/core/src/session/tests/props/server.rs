//! The model of the world around the machine: the server (its clock, its `iat`, the cookie
//! jar it sets and clears), other tabs, and `doctor()`'s cycle.

use super::*;

impl World {
    /// A token of `session`, issued now (by a login: `from_login`).
    pub(super) fn issue(&mut self, session: u32, by: Option<u64>, from_login: bool) -> String {
        let server = (self.real as i64 + self.skew).max(0) as u64;
        let now_s = server / 1000;
        let exp_s = (server + self.lifetime_s * 1000) / 1000;
        if from_login {
            self.session_iat.insert(session, now_s);
        }
        let iat = match self.iat {
            Iat::Fresh => Some(now_s),
            Iat::Stale if from_login => Some(now_s),
            Iat::Stale => self.session_iat.get(&session).copied().or(Some(now_s)),
            Iat::Missing => None,
        };
        let t = jwt_claims(exp_s, iat, &format!("s{session}-{}", self.tokens.len()));
        self.tokens.insert(t.clone(), (session, by, exp_s * 1000));
        t
    }

    /// The server answers `request` as a real one would, given the cookie jar.
    pub(super) fn serve(
        &mut self,
        request: &Request,
        seq: u64,
        fault: Fault,
    ) -> Result<Reply<u32>, AuthError> {
        let status = match fault {
            Fault::Network => return Err(AuthError::new(ErrorCode::Network, "down")),
            Fault::Server => Some(503),
            Fault::Throttled => Some(429),
            Fault::None => None,
        };
        if let Some(status) = status {
            return Ok(Reply {
                status,
                facts: detail("unavailable", None),
                user: None,
            });
        }
        let reply = |status, facts, user| {
            Ok(Reply {
                status,
                facts,
                user,
            })
        };
        let body = match &request.payload {
            Payload::Credentials(c) => c.expose().to_string(),
            _ => String::new(),
        };
        match (request.endpoint, &request.payload) {
            (Endpoint::Login, Payload::Credentials(c)) if c.expose() == "ok" => {
                self.sessions += 1;
                let s = self.sessions;
                self.jar = Some(s);
                let t = self.issue(s, Some(seq), true);
                self.login_seen |= self.iat != Iat::Missing;
                reply(200, token_facts(&t), Some(s))
            }
            (Endpoint::Login, _) => reply(400, detail("Unable to log in.", None), None),
            (Endpoint::Refresh, _) => match self.jar {
                Some(s) => {
                    let t = self.issue(s, Some(seq), false);
                    reply(200, token_facts(&t), None)
                }
                None => reply(
                    401,
                    detail("No valid refresh token found.", Some("token_not_valid")),
                    None,
                ),
            },
            (Endpoint::Logout, _) => {
                self.jar = None;
                reply(200, detail("Successfully logged out.", None), None)
            }
            // Sign-up: tokens in the body, no cookie (dj-rest-auth's RegisterView).
            (Endpoint::Register, _) => match body.as_str() {
                "new" => {
                    self.sessions += 1;
                    let t = self.issue(self.sessions, Some(seq), true);
                    let mut f = token_facts(&t);
                    f.refresh_in_body = true;
                    reply(201, f, None)
                }
                "verify" => reply(201, detail("Verification e-mail sent.", None), None),
                _ => {
                    let mut f = detail("password1: This password is too common.", None);
                    f.field_errors = alloc::vec![(
                        "password1".to_string(),
                        alloc::vec!["This password is too common.".to_string()]
                    )];
                    reply(400, f, None)
                }
            },
            // Stateless: any unexpired token of ours will do.
            (Endpoint::PasswordChange | Endpoint::Profile, _) => {
                let server = (self.real as i64 + self.skew).max(0) as u64;
                let valid = request
                    .bearer
                    .as_ref()
                    .and_then(|b| self.tokens.get(b.expose()));
                match valid {
                    Some(&(s, _, exp)) if exp > server => {
                        let f = detail("New password has been saved.", None);
                        let user = (request.endpoint == Endpoint::Profile).then_some(s + 1000);
                        reply(200, f, user)
                    }
                    _ => reply(
                        401,
                        detail(
                            "Given token not valid for any token type",
                            Some("token_not_valid"),
                        ),
                        None,
                    ),
                }
            }
            (
                Endpoint::PasswordReset
                | Endpoint::PasswordResetConfirm
                | Endpoint::VerifyEmail
                | Endpoint::ResendEmail,
                _,
            ) => reply(
                200,
                detail("Password reset e-mail has been sent.", None),
                None,
            ),
            (Endpoint::User, _) => {
                let s = request.bearer.as_ref().map(|b| self.session_of(b));
                reply(
                    200,
                    BodyFacts {
                        json: true,
                        ..BodyFacts::default()
                    },
                    s,
                )
            }
        }
    }

    /// Another tab acts: only while this tab is not holding the lock (the other tab's request
    /// needs it), and only with `crossTab` (without it no message arrives).
    pub(super) fn remote(&mut self, op: &Op) {
        if self.ledger.lock_held || !self.m.opts.cross_tab {
            return;
        }
        self.intent = None;
        self.signed_out_by_app = false;
        let input = match op {
            Op::RemoteSignIn => {
                self.sessions += 1;
                let s = self.sessions;
                self.jar = Some(s);
                let t = self.issue(s, None, true);
                Input::RemoteToken(self.remote_snapshot(t, Some(s)), true)
            }
            Op::RemoteRefresh => {
                let Some(s) = self.jar else { return };
                let t = self.issue(s, None, false);
                Input::RemoteToken(self.remote_snapshot(t, None), false)
            }
            Op::RemoteLogoutUnconfirmed => {
                self.marker = true;
                Input::RemoteSignedOut
            }
            _ => {
                self.jar = None;
                Input::RemoteSignedOut
            }
        };
        self.input(input);
    }

    /// The page reloads: its requests on the wire reach the server (their answers are lost
    /// with the page), its calls never settle, and a new machine starts with what storage
    /// holds: the logout marker (memory mode: no token).
    pub(super) fn reload(&mut self) {
        for (_, request, seq) in core::mem::take(&mut self.wire) {
            let _ = self.serve(&request, seq, Fault::None);
        }
        self.ledger = Ledger::default();
        let unsettled = (1..=self.ops)
            .map(OpId)
            .filter(|op| !self.settled.contains_key(op) && !self.lost.contains(op));
        let unsettled: Vec<OpId> = unsettled.collect();
        self.lost.extend(unsettled);
        self.deciding.clear();
        self.fetches.clear();
        self.examining = false;
        self.intent = None;
        self.doctors.clear();
        self.signed_out_by_app = false;
        self.expired_events = 0;
        self.last_token = None;
        self.login_seen = false;
        self.barrier = self.seq + 1;
        let at = self.reading();
        self.m = Machine::new(self.m.opts, self.marker, at);
    }

    /// What another tab shares: its estimate of the expiry, on the (shared) wall clock.
    pub(super) fn remote_snapshot(&self, t: String, user: Option<u32>) -> Snapshot<u32> {
        let life = self.lifetime_s * 1000;
        Snapshot {
            record: TokenRecord {
                value: Secret::new(t),
                expires_at: Some(self.wall + life),
                lifetime: Some(life),
            },
            user,
        }
    }

    /// The doctor's cycle, when it has its turn: it signs in and out with cookies of its own;
    /// the client ends signed out, as after a logout the app asked for when it called
    /// `doctor()` — unless it asked for a sign-in or a logout after that, which then decides.
    pub(super) fn examine(&mut self) {
        if !self.examining {
            return;
        }
        self.examining = false;
        self.sessions += 1;
        self.jar = None;
        self.barrier = self.seq + 1;
        let called_at = (!self.doctors.is_empty()).then(|| self.doctors.remove(0));
        if called_at == Some(self.intents) {
            self.intent = Some(Intent::Logout);
            self.signed_out_by_app = true;
        }
        self.input(Input::Examined {
            signed_in: true,
            cleared: true,
        });
    }
}
