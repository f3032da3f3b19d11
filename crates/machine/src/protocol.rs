//! What crosses between the machine and its JS shell, as bytes ([`crate::wire`]): the inputs
//! the shell writes ([`input`], [`options`]), the actions and getters' state the machine
//! writes back ([`action`], [`state`]). The layouts are listed in `js/machine.js`, which
//! reads and writes them; the values mean what `tokenward_core::session` says.
//!
//! A user object stays in JS: the machine holds its handle (a `u32`, 0 for none).

use alloc::string::String;
use alloc::vec::Vec;

use tokenward_core::account::AccountCall;
use tokenward_core::claims::{self, Claims, ClaimsError};
use tokenward_core::error::{AuthError, ErrorCode};
use tokenward_core::logout::LogoutOutcome;
use tokenward_core::outcome::Endpoint;
use tokenward_core::reply::{self, Body, FieldNames, Member};
use tokenward_core::secret::Secret;
use tokenward_core::session::{
    Action, Broadcast, Call, Input, Machine, OpId, Options, Outcome, PageState, Payload, Reply,
    ReqId, Snapshot, State, TokenRecord, Waited, CONSULTED,
};

use crate::wire::{Reader, Writer};

/// A user object's handle in the shell (never 0).
pub type User = u32;

/// Decodes a token's payload segment (base64url, then JSON) into a body: the shell's parser
/// (an import), or the tests'.
pub type PayloadReader = fn(&str) -> Members;

/// A parsed JSON body as the shell wrote it: whether it was JSON, an object, and its members
/// (strings, numbers, lists of strings; anything else as [`Member::Other`]).
pub struct Members {
    kind: u8,
    members: Vec<(String, Member)>,
    payload: PayloadReader,
}

impl Members {
    /// Not JSON at all.
    pub fn none(payload: PayloadReader) -> Members {
        Members {
            kind: 0,
            members: Vec::new(),
            payload,
        }
    }

    /// Reads one body: a byte (0 not JSON, 1 JSON but not an object, 2 an object), then for
    /// an object the count of its members, and each as its key, a tag and its value (1 a
    /// string, 2 a number, 3 a list of strings as a count and the strings, 4 anything else).
    pub fn read(r: &mut Reader, payload: PayloadReader) -> Members {
        let kind = r.byte();
        let mut members = Vec::new();
        if kind == 2 {
            let mut n = r.u32();
            while n > 0 && !r.done() {
                n -= 1;
                let key = r.str();
                let value = match r.byte() {
                    1 => Member::Text(r.str()),
                    2 => Member::Number(r.f64()),
                    3 => {
                        let mut list = Vec::new();
                        let mut k = r.u32();
                        while k > 0 && !r.done() {
                            k -= 1;
                            list.push(r.str());
                        }
                        Member::List(list)
                    }
                    _ => Member::Other,
                };
                members.push((key, value));
            }
        }
        Members {
            kind,
            members,
            payload,
        }
    }
}

impl Body for Members {
    fn is_json(&self) -> bool {
        self.kind > 0
    }

    fn is_object(&self) -> bool {
        self.kind == 2
    }

    fn member(&self, key: &str) -> Member {
        let found = self.members.iter().find(|(k, _)| k == key);
        found.map_or(Member::Missing, |(_, v)| v.clone())
    }

    fn keys(&self) -> Vec<String> {
        self.members.iter().map(|(k, _)| k.clone()).collect()
    }

    /// The payload decoded by the shell's parser, judged by the core.
    fn jwt_claims(&self, token: &str) -> Result<Claims, ClaimsError> {
        let segment = claims::payload_segment(token)?;
        claims::from_payload(&(self.payload)(segment))
    }
}

/// The machine's options, whether a logout awaits the server's confirmation, and the reply
/// field names: `f64` leeway and timeout, flags `crossTab` and user look-up, `f64` seed, the
/// page's state byte, the logout flag, and the three field names.
pub fn options(r: &mut Reader) -> (Options, bool, FieldNames) {
    let opts = Options {
        leeway: r.ms().unwrap_or(0),
        timeout: r.ms().unwrap_or(0),
        cross_tab: r.flag(),
        user_lookup: r.flag(),
        seed: r.ms().unwrap_or(0),
        page: page(r.byte()),
    };
    let logout_unconfirmed = r.flag();
    let fields = FieldNames {
        access: r.str(),
        access_expiration: r.str(),
        user: r.str(),
    };
    (opts, logout_unconfirmed, fields)
}

/// The page's state: bit 0 visible, bit 1 online.
fn page(b: u8) -> PageState {
    PageState {
        visible: b & 1 != 0,
        online: b & 2 != 0,
    }
}

fn snapshot(r: &mut Reader) -> Snapshot<User> {
    let value = Secret::new(r.str());
    let expires_at = r.ms();
    let lifetime = r.ms();
    let user = r.u32();
    Snapshot {
        record: TokenRecord {
            value,
            expires_at,
            lifetime,
        },
        user: (user != 0).then_some(user),
    }
}

fn payload(r: &mut Reader) -> Payload {
    match r.byte() {
        0 => Payload::Nothing,
        1 => Payload::Empty,
        2 => Payload::Credentials(Secret::new(r.str())),
        _ => Payload::Form(OpId(r.u32())),
    }
}

fn account(b: u8) -> AccountCall {
    match b {
        0 => AccountCall::SignUp,
        1 => AccountCall::ChangePassword,
        2 => AccountCall::RequestReset,
        3 => AccountCall::ConfirmReset,
        4 => AccountCall::UpdateUser,
        5 => AccountCall::VerifyEmail,
        _ => AccountCall::ResendEmail,
    }
}

fn call(r: &mut Reader) -> Call<User> {
    match r.byte() {
        0 => Call::Login(Secret::new(r.str())),
        1 => Call::LoginWith(Secret::new(r.str()), r.str()),
        2 => Call::SignUp {
            fields: Secret::new(r.str()),
            login: Secret::new(r.str()),
        },
        3 => Call::Account(account(r.byte()), payload(r)),
        4 => Call::Logout,
        5 => Call::Refresh,
        6 => Call::RefreshAfter401,
        7 => Call::Restore(r.flag().then(|| snapshot(r))),
        8 => Call::AwaitSession,
        _ => Call::Doctor,
    }
}

/// Why a request got no reply: 0 its timeout, 1 aborted, 2 the network, 3 it could not be
/// made (a `config` error, with its message).
pub fn failure(r: &mut Reader) -> AuthError {
    match r.byte() {
        0 => AuthError::new(ErrorCode::Timeout, "the request timed out (timeoutMs)"),
        1 => AuthError::new(
            ErrorCode::Aborted,
            "the request was aborted by its AbortSignal",
        ),
        3 => AuthError {
            message: r.str().into(),
            ..AuthError::new(ErrorCode::Config, "")
        },
        _ => AuthError::new(
            ErrorCode::Network,
            "the request failed: server unreachable or blocked by CORS",
        ),
    }
}

/// One input: its variant's byte (0 a call, 1 a reply, 2 the lock granted, 3 the lock not had,
/// 4 the timer, 5 the page woke, 6–9 another tab's token, sign-out, expiry, user; 10 the
/// doctor's cycle examined), then its values.
pub fn input(r: &mut Reader, fields: &FieldNames, payload_reader: PayloadReader) -> Input<User> {
    match r.byte() {
        0 => Input::Call(OpId(r.u32()), call(r)),
        1 => {
            let id = ReqId(r.u32());
            if r.byte() != 0 {
                return Input::Reply(id, Err(failure(r)));
            }
            let status = r.u32().min(u32::from(u16::MAX)) as u16;
            let facts = reply::facts(&Members::read(r, payload_reader), fields);
            let user = r.u32();
            let user = (user != 0).then_some(user);
            Input::Reply(
                id,
                Ok(Reply {
                    status,
                    facts,
                    user,
                }),
            )
        }
        2 => Input::LockAcquired(match r.flag() {
            false => Waited::No,
            true => Waited::ForAnotherTab,
        }),
        3 => Input::LockFailed,
        4 => Input::Timeout,
        5 => Input::Wake(page(r.byte())),
        6 => {
            let s = snapshot(r);
            Input::RemoteToken(s, r.flag())
        }
        7 => Input::RemoteSignedOut,
        8 => Input::RemoteExpired,
        9 => Input::RemoteUser(snapshot(r)),
        _ => {
            let signed_in = r.flag();
            Input::Examined {
                signed_in,
                cleared: r.flag(),
            }
        }
    }
}

fn snapshot_out(w: &mut Writer, s: &Snapshot<User>) {
    w.str(s.record.value.expose());
    w.ms(s.record.expires_at);
    w.ms(s.record.lifetime);
    w.u32(s.user.unwrap_or(0));
}

/// An error: code, message, status (0: none), detail, and the field errors (a count, then
/// each field's name and messages).
pub fn error_out(w: &mut Writer, e: &AuthError) {
    w.str(e.code.as_str());
    w.str(&e.message);
    w.u32(e.status.map_or(0, u32::from));
    w.opt_str(e.detail.as_deref());
    w.u32(e.fields.len() as u32);
    for (name, messages) in &e.fields {
        w.str(name);
        w.u32(messages.len() as u32);
        for m in messages {
            w.str(m);
        }
    }
}

fn logout_out(w: &mut Writer, o: &LogoutOutcome) {
    w.flag(o.server_confirmed);
    w.opt_str(o.warning.as_deref());
}

/// How an app call settles: its variant's byte (0 a session, 1 none, 2 logged out, 3 failed,
/// 4 the doctor's turn, 5 signed up, 6 answered, 7 a user, 8 decided), then its values.
fn outcome_out(w: &mut Writer, o: &Outcome<User>) {
    match o {
        Outcome::Session(s) => {
            w.byte(0);
            snapshot_out(w, s);
        }
        Outcome::NoSession => w.byte(1),
        Outcome::LoggedOut(l) => {
            w.byte(2);
            logout_out(w, l);
        }
        Outcome::Failed(e) => {
            w.byte(3);
            error_out(w, e);
        }
        Outcome::Turn => w.byte(4),
        Outcome::SignedUp(s) => {
            w.byte(5);
            w.flag(s.is_some());
            if let Some(s) = s {
                snapshot_out(w, s);
            }
        }
        Outcome::Answered(d) => {
            w.byte(6);
            w.opt_str(d.as_deref());
        }
        Outcome::User(u) => {
            w.byte(7);
            w.u32(*u);
        }
        Outcome::Decided => w.byte(8),
    }
}

/// Where a reply's user object is: 0 none, 1 the body (a user look-up, `updateUser()`), 2 the
/// body's user field (a login).
fn user_in_reply(e: Endpoint) -> u8 {
    match e {
        Endpoint::Login => 2,
        Endpoint::User | Endpoint::Profile => 1,
        _ => 0,
    }
}

/// One action: its variant's byte (0 send, 1 acquire the lock, 2 release it, 3 settle, 4 emit,
/// 5 persist, 6 clear storage, 7 broadcast, 8 remember the logout, 9 forget it), then its
/// values.
pub fn action(w: &mut Writer, a: &Action<User>) {
    match a {
        Action::Send(id, r) => {
            w.byte(0);
            w.u32(id.0);
            w.byte(r.endpoint.slot() as u8);
            w.str(r.endpoint.method());
            w.byte(user_in_reply(r.endpoint));
            w.opt_str(r.url.as_deref());
            match &r.payload {
                Payload::Nothing => w.byte(0),
                Payload::Empty => w.byte(1),
                Payload::Credentials(c) => {
                    w.byte(2);
                    w.str(c.expose());
                }
                Payload::Form(op) => {
                    w.byte(3);
                    w.u32(op.0);
                }
            }
            w.opt_str(r.bearer.as_ref().map(Secret::expose));
            w.flag(r.mint_csrf);
            w.u32(r.timeout.get());
        }
        Action::AcquireLock(d) => {
            w.byte(1);
            w.u32(d.get());
        }
        Action::ReleaseLock => w.byte(2),
        Action::Settle(op, o) => {
            w.byte(3);
            w.u32(op.0);
            outcome_out(w, o);
        }
        Action::Emit(e) => {
            w.byte(4);
            w.str(e.kind.as_str());
            w.u32(e.user.unwrap_or(0));
            w.str(e.source.as_str());
            w.opt_str(e.reason);
        }
        Action::Persist(s) => {
            w.byte(5);
            snapshot_out(w, s);
        }
        Action::ClearStorage => w.byte(6),
        Action::Broadcast(b) => {
            w.byte(7);
            match b {
                Broadcast::Token {
                    snapshot,
                    signed_in,
                } => {
                    w.byte(0);
                    snapshot_out(w, snapshot);
                    w.flag(*signed_in);
                }
                Broadcast::SignedOut => w.byte(1),
                Broadcast::Expired => w.byte(2),
                Broadcast::User(s) => {
                    w.byte(3);
                    snapshot_out(w, s);
                }
            }
        }
        Action::RememberLogout => w.byte(8),
        Action::ForgetLogout => w.byte(9),
    }
}

/// What the getters read, at machine time `now`: the state (0 unknown, 1 signed in, 2 signed
/// out), whether a token is held, the token while it is valid, when it expires (wall clock),
/// the user, and whether a sign-up answered with the refresh token in its body.
pub fn state(w: &mut Writer, m: &Machine<User>, now: u64) {
    w.byte(match m.state() {
        State::Unknown => 0,
        State::SignedIn => 1,
        State::SignedOut => 2,
    });
    w.flag(m.token().is_some());
    w.opt_str(m.live_token(now).map(|t| t.value.expose()));
    w.ms(m.token().and_then(|t| t.expires_at).map(|e| m.wall(e)));
    w.u32(m.user().copied().unwrap_or(0));
    w.flag(m.sign_up_exposed_refresh());
}

/// The endpoints' config keys and default paths, in slot order, as one string: "key path key
/// path …" (the shell reads the config's `endpoints` with it; a request names its slot).
pub fn endpoints(w: &mut Writer) {
    w.str(Endpoint::TABLE);
}

/// The statuses of `auth.fetch`'s answers the machine may retry: a count, then each.
pub fn consulted(w: &mut Writer) {
    w.u32(CONSULTED.len() as u32);
    for s in CONSULTED {
        w.u32(u32::from(s));
    }
}
