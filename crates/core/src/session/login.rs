//! The login job (`login()`, `loginWith()`, and the login after an active sign-up): its
//! request, its answer as [`crate::login::next_step`] reads it — a grant, a refusal, or the
//! resend with a fresh Bearer that gets it past Django's CSRF check (or with a minted CSRF
//! cookie when no refresh cookie is left) — and the user look-up before a new session is
//! applied.

use super::io::{Payload, Request};
use super::job::{Job, JobId, Login, LoginStage, Resend, Work};
use super::queue::Next;
use super::{Machine, Ms, Reply, TokenRecord};
use crate::error::{AuthError, ErrorCode};
use crate::login::{self, LoginStep};
use crate::outcome::Endpoint;

impl<U: Clone> Machine<U> {
    /// The login is at the head: its request.
    pub(super) fn start_login(&mut self, id: JobId, mut l: Login) -> Next {
        self.send_login(&mut l, false);
        Next::Stays(Job {
            id,
            work: Work::Login(l),
        })
    }

    /// Sends the login's request (again), with a minted CSRF cookie when `mint`.
    pub(super) fn send_login(&mut self, l: &mut Login, mint: bool) {
        let payload = Payload::Credentials(l.credentials.clone());
        let request = Request {
            url: l.at.clone(),
            mint_csrf: mint,
            ..self.request(Endpoint::Login, payload, l.exchange.bearer.clone())
        };
        l.stage = LoginStage::Sent(self.send(request));
    }

    /// The answer to the login's current request.
    pub(super) fn login_step(
        &mut self,
        id: JobId,
        mut l: Login,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        match core::mem::replace(&mut l.stage, LoginStage::Queued) {
            LoginStage::LookingUp(_, record) => {
                let user = looked_up(reply);
                self.logged_in(id, record, user, now);
                Next::Done
            }
            LoginStage::GettingBearer(_) => {
                match self.bearer_answered(&mut l.exchange, &reply, now) {
                    Resend::WithBearer => self.resend_login(id, l, false),
                    Resend::WithMintedCsrfCookie => self.resend_login(id, l, true),
                    Resend::GiveUp => {
                        let e = l.exchange.fallback.take().map(|(_, e)| e);
                        let e =
                            e.unwrap_or_else(|| AuthError::new(ErrorCode::Server, "login failed"));
                        self.login_failed(id, e, now);
                        Next::Done
                    }
                }
            }
            LoginStage::Sent(_) | LoginStage::Queued => self.login_answered(id, l, reply, now),
        }
    }

    fn resend_login(&mut self, id: JobId, mut l: Login, mint: bool) -> Next {
        self.send_login(&mut l, mint);
        Next::Stays(Job {
            id,
            work: Work::Login(l),
        })
    }

    fn login_answered(
        &mut self,
        id: JobId,
        mut l: Login,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let r = reply.as_ref().map(|r| (r.status, &r.facts));
        match login::next_step(r, l.exchange.fresh) {
            LoginStep::Finished(Ok(grant)) => {
                // A login reply's iat is fresh on every server.
                let record = self.observe(&grant, true, now);
                self.jar = Some(record.clone());
                let user = reply.ok().and_then(|r| r.user);
                self.sign_in_or_look_up(id, l, record, user, now)
            }
            LoginStep::Finished(Err(e)) => {
                self.login_failed(id, e, now);
                Next::Done
            }
            LoginStep::ResendWithFreshBearer {
                no_bearer,
                otherwise,
            } => {
                l.exchange.fallback = Some((no_bearer, otherwise));
                l.stage = LoginStage::GettingBearer(self.send_bearer_refresh());
                Next::Stays(Job {
                    id,
                    work: Work::Login(l),
                })
            }
        }
    }

    /// Signs in with `record`, after looking the user up when the reply had none.
    fn sign_in_or_look_up(
        &mut self,
        id: JobId,
        mut l: Login,
        record: TokenRecord,
        user: Option<U>,
        now: Ms,
    ) -> Next {
        if self.opts.user_lookup && user.is_none() {
            let req = self.send_lookup(record.value.clone());
            l.stage = LoginStage::LookingUp(req, record);
            return Next::Stays(Job {
                id,
                work: Work::Login(l),
            });
        }
        self.logged_in(id, record, user, now);
        Next::Done
    }
}

/// The user of a look-up's answer (a 2xx with an object), if any.
pub(super) fn looked_up<U>(reply: Result<Reply<U>, AuthError>) -> Option<U> {
    reply
        .ok()
        .filter(|r| (200..300).contains(&r.status))
        .and_then(|r| r.user)
}
