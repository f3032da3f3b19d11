//! What the machine tells the shell: events for subscribers and actions to carry out.

use super::FlightId;

/// `AuthEvent.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A login succeeded, or a session was restored.
    SignedIn,
    /// A refresh produced a new access token.
    Refreshed,
    /// `logout()` ended the session.
    SignedOut,
    /// The server refused the refresh cookie: the session is over.
    Expired,
}

impl EventKind {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignedIn => "signedIn",
            EventKind::Refreshed => "refreshed",
            EventKind::SignedOut => "signedOut",
            EventKind::Expired => "expired",
        }
    }
}

/// `AuthEvent.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// This tab did it.
    ThisTab,
    /// Another tab did it.
    OtherTab,
}

impl Source {
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
    /// Why, when it helps (`"restored"`, the refresh endpoint's refusal, ...).
    pub reason: Option<&'static str>,
}

/// Effects for the shell to carry out, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Action<U> {
    /// Tell subscribers.
    Emit(Event<U>),
    /// Write the current token and user to storage.
    Persist,
    /// Remove the stored token.
    ClearStorage,
    /// Send a refresh request for this flight (the proactive timer fired).
    StartRefresh(FlightId),
    /// Abort the request of this flight: the session it was for is gone.
    CancelRefresh(FlightId),
    /// Tell the other tabs (BroadcastChannel).
    Broadcast(Broadcast),
    /// Remember, durably, that a logout awaits the server's confirmation.
    RememberLogout,
    /// Forget that.
    ForgetLogout,
}

/// What a tab tells the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broadcast {
    /// The current token (and user): after a login (`signed_in`) or a refresh.
    Token {
        /// A login, rather than a refresh.
        signed_in: bool,
    },
    /// `logout()` was called.
    SignedOut,
    /// The server refused the refresh cookie.
    Expired,
}
