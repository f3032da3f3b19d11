//! What crosses between the machine and its shell: the inputs (the app's calls, replies, lock
//! grants, other tabs' messages, the page), and the actions (requests to send, the lock,
//! storage, messages to other tabs, events for subscribers, and how each app call settles).

use alloc::string::String;

use super::{Ms, TokenRecord};
use crate::account::AccountCall;
use crate::error::AuthError;
use crate::logout::LogoutOutcome;
use crate::outcome::Endpoint;
use crate::secret::Secret;

/// What happened to the session (`AuthEvent.type` in JavaScript).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A login succeeded, or a session was restored.
    SignedIn,
    /// A refresh produced a new access token.
    Refreshed,
    /// A logout ended the session (here or in another tab).
    SignedOut,
    /// The server refused the refresh cookie: the session is over.
    Expired,
    /// A profile update changed the user (here or in another tab).
    UserUpdated,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 5] = [
        EventKind::SignedIn,
        EventKind::Refreshed,
        EventKind::SignedOut,
        EventKind::Expired,
        EventKind::UserUpdated,
    ];

    /// The kind spelled `name` (as [`EventKind::as_str`] writes it).
    pub fn named(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignedIn => "signedIn",
            EventKind::Refreshed => "refreshed",
            EventKind::SignedOut => "signedOut",
            EventKind::Expired => "expired",
            EventKind::UserUpdated => "userUpdated",
        }
    }
}

/// Which tab caused an event (`AuthEvent.source` in JavaScript).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// This tab did it.
    ThisTab,
    /// Another tab of the same app (same storage key) did it, Rust or JavaScript.
    OtherTab,
}

impl Source {
    /// The source spelled `name` (as [`Source::as_str`] writes it).
    pub fn named(name: &str) -> Option<Source> {
        [Source::ThisTab, Source::OtherTab]
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ThisTab => "this_tab",
            Source::OtherTab => "other_tab",
        }
    }
}

/// An event for `onChange` subscribers.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<U> {
    /// What happened.
    pub kind: EventKind,
    /// The user after the change.
    pub user: Option<U>,
    /// Which tab caused it.
    pub source: Source,
    /// Why, when it helps (`"restored"`, `"refresh_rejected"`).
    pub reason: Option<&'static str>,
}

/// One call of the app (`login()`, `restore()`, `refresh()`, `logout()`, or a refresh that
/// `auth.fetch` waits for). The shell holds its promise; the machine settles it exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(pub u32);

/// One request the machine asked for; its reply comes back with the same id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReqId(pub u32);

/// A duration handed to a browser timer. `setTimeout` fires at once for anything above
/// 2³¹−1 ms, so every delay the SDK arms is built here, clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Delay(u32);

impl Delay {
    /// The longest delay a browser timer honours: 2³¹−1 ms (about 24.8 days).
    pub const MAX: Delay = Delay(0x7fff_ffff);

    /// `ms`, clamped to [`Delay::MAX`].
    pub fn ms(ms: u64) -> Delay {
        Delay(ms.min(u64::from(Delay::MAX.0)) as u32)
    }

    /// From `now` until `at` (zero when `at` has passed), clamped.
    pub fn until(at: Ms, now: Ms) -> Delay {
        Delay::ms(at.saturating_sub(now))
    }

    /// In milliseconds.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// What a request carries as its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// None: a `GET` (the user look-up).
    Nothing,
    /// `{}` (refresh, logout).
    Empty,
    /// The app's JSON (login credentials, sign-up or password fields). Redacted in `Debug`.
    Credentials(Secret),
    /// The `FormData` the app passed with this call (`updateUser(form)`), held by the shell
    /// until the call settles; sent as multipart.
    Form(OpId),
}

/// A request for the shell to send with `credentials: "include"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Which endpoint (it implies the method: `GET` for the user, `PATCH` for the profile,
    /// else `POST`).
    pub endpoint: Endpoint,
    /// The URL when it is not the endpoint's configured one (`loginWith()`).
    pub url: Option<String>,
    /// The body.
    pub payload: Payload,
    /// `Authorization: Bearer …`, when set.
    pub bearer: Option<Secret>,
    /// Mint a double-submit CSRF cookie first (never replacing an existing one): no refresh
    /// cookie was left to obtain a Bearer, and Django said the CSRF cookie is not set.
    pub mint_csrf: bool,
    /// Give up after this long (the answer, body included).
    pub timeout: Delay,
}

impl Request {
    /// Whether it is a job's request — everything but the user look-up: login, refresh and
    /// logout set or clear the session cookies, sign-up and the password calls the Django
    /// session's. Such requests never overlap.
    pub fn sets_cookies(&self) -> bool {
        self.endpoint != Endpoint::User
    }
}

/// The token and user, as stored, broadcast and handed to the app as a `Session`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot<U> {
    /// The token with its local expiry.
    pub record: TokenRecord,
    /// The user, when known.
    pub user: Option<U>,
}

/// How an app call settles.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<U> {
    /// Resolves with a `Session`.
    Session(Snapshot<U>),
    /// `restore()` resolves with `null`: there is no session.
    NoSession,
    /// `logout()` resolves with a `LogoutResult`.
    LoggedOut(LogoutOutcome),
    /// Rejects with this error.
    Failed(AuthError),
    /// `doctor()`'s turn has come: the queue is its until it reports [`Input::Examined`].
    Turn,
    /// `signUp()` resolves with a `SignUpResult`: signed in, or (`None`) waiting for the
    /// e-mail to be verified.
    SignedUp(Option<Snapshot<U>>),
    /// A password call resolves with `{ detail }`: the server's message.
    Answered(Option<String>),
    /// `updateUser()` resolves with the user the server sent back.
    User(U),
    /// The session `auth.fetch` waited for is decided: it may ask again.
    Decided,
}

/// An app call, as the shell hands it to [`super::Machine::handle`] in [`Input::Call`].
#[derive(Clone, Debug, PartialEq)]
pub enum Call<U> {
    /// `login(credentials)`: the JSON body to send.
    Login(Secret),
    /// `loginWith(url, body)`: a login at another endpoint that answers like `LoginView`.
    LoginWith(Secret, String),
    /// `signUp(fields)`: the sign-up fields, and the credentials of the login that follows.
    SignUp {
        /// The JSON body of the sign-up.
        fields: Secret,
        /// The JSON body of the login after it.
        login: Secret,
    },
    /// A password, profile or e-mail call with its body (JSON, or the app's `FormData`).
    Account(AccountCall, Payload),
    /// `logout()`.
    Logout,
    /// `refresh()`, or a refresh `auth.fetch` waits for before sending.
    Refresh,
    /// The refresh `auth.fetch` waits for after a 401.
    RefreshAfter401,
    /// `restore()`, with what storage holds.
    Restore(Option<Snapshot<U>>),
    /// `auth.fetch` waits for the session being decided (a `restore()`, login or sign-up the
    /// app waits for); settled with [`Outcome::Decided`].
    AwaitSession,
    /// `doctor({ credentials })` wants its turn: its login → refresh → logout cycle sets and
    /// clears the cookies, so it runs as a job of the queue (settled with [`Outcome::Turn`]
    /// when it may start; [`Input::Examined`] ends it).
    Doctor,
}

/// What happened, as the shell reports it to [`super::Machine::handle`].
#[derive(Clone, Debug, PartialEq)]
pub enum Input<U> {
    /// The app called; the machine settles `OpId` exactly once.
    Call(OpId, Call<U>),
    /// The reply to a request.
    Reply(ReqId, Result<super::Reply<U>, AuthError>),
    /// The cross-tab lock was granted.
    LockAcquired(Waited),
    /// The cross-tab lock could not be had in time.
    LockFailed,
    /// The timer fired.
    Timeout,
    /// The page woke up (visible, online, pageshow) or changed (hidden, offline), as it is now.
    Wake(super::PageState),
    /// Another tab signed in (`true`) or refreshed, with its token.
    RemoteToken(Snapshot<U>, bool),
    /// Another tab signed out.
    RemoteSignedOut,
    /// Another tab saw the refresh cookie refused.
    RemoteExpired,
    /// Another tab's `updateUser()` changed the user.
    RemoteUser(Snapshot<U>),
    /// `doctor()`'s credentialed cycle is over: it signed in (`signed_in`), and its logout
    /// reached the view, which deleted the cookies (`cleared`).
    Examined {
        /// Its login succeeded (the cookies of any earlier session were replaced).
        signed_in: bool,
        /// Its logout reached the view (a 2xx, or the view's own 401): the cookies are gone.
        cleared: bool,
    },
}

/// Effects for the shell to carry out, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Action<U> {
    /// Send a request; feed its reply back as [`Input::Reply`].
    Send(ReqId, Request),
    /// Acquire the cross-tab lock, waiting at most this long; feed back
    /// [`Input::LockAcquired`] or [`Input::LockFailed`].
    AcquireLock(Delay),
    /// Release the cross-tab lock.
    ReleaseLock,
    /// Settle an app call's promise.
    Settle(OpId, Outcome<U>),
    /// Tell subscribers.
    Emit(Event<U>),
    /// Write the token and user to storage (when the token is kept in Web Storage).
    Persist(Snapshot<U>),
    /// Remove the stored token.
    ClearStorage,
    /// Tell the other tabs.
    Broadcast(Broadcast<U>),
    /// Remember, durably, that a logout awaits the server's confirmation.
    RememberLogout,
    /// Forget that.
    ForgetLogout,
}

/// How the cross-tab lock was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// At once: no other tab held it.
    No,
    /// After another tab held it: that tab's result (a broadcast token) may be arriving.
    ForAnotherTab,
}

/// What a tab tells the others.
#[derive(Clone, Debug, PartialEq)]
pub enum Broadcast<U> {
    /// The current token and user: after a login (`signed_in`) or a refresh.
    Token {
        /// What to share (a token travels only over a channel that stores nothing).
        snapshot: Snapshot<U>,
        /// A login, rather than a refresh.
        signed_in: bool,
    },
    /// `logout()` was called.
    SignedOut,
    /// The server refused the refresh cookie.
    Expired,
    /// `updateUser()` changed the user: the session with it.
    User(Snapshot<U>),
}
