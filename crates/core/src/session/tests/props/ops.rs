//! What the property test plays: the app's calls, replies with faults, lock grants, time, the
//! device's clock and other tabs; and how the model server stamps `iat`.

use alloc::vec;
use proptest::prelude::*;

use crate::account::AccountCall;

#[derive(Clone, Copy, Debug)]
pub(super) enum Fault {
    None,
    /// 503: nothing happened at the server.
    Server,
    /// The request never arrived (or timed out before it did).
    Network,
    /// 429 (dj-rest-auth's throttled logout view; any endpoint can be throttled).
    Throttled,
}

#[derive(Clone, Debug)]
pub(super) enum Op {
    /// `login()` with right (`true`) or wrong credentials.
    Login(bool),
    /// `signUp()`: an active account (0), one waiting for verification (1), refused fields.
    SignUp(u8),
    /// A password or profile call.
    Account(AccountCall),
    Logout,
    /// `refresh()`, or a refresh `auth.fetch` waits for before sending.
    Refresh,
    /// The refresh `auth.fetch` waits for after a 401.
    Retry,
    /// `auth.fetch` asks whether an authorised request may go out (and waits when told to).
    Fetch,
    Restore,
    /// `doctor({ credentials })` asks for its turn.
    Doctor,
    /// The doctor's cycle, when it has its turn: a login and a logout of its own.
    Examine,
    /// The request at this index (of those on the wire) is answered.
    Deliver(usize, Fault),
    /// The cross-tab lock is granted (after another tab held it: `true`).
    Grant(bool),
    /// Time passes (the timer fires).
    Advance(u64),
    /// The device sleeps this long: the wall clock moves, the monotonic one stands still; then
    /// the page wakes up.
    Sleep(u64),
    /// The device's wall clock is set by this many ms (the server's is not).
    SetClock(i64),
    /// The page is (in)visible, (off)online now.
    Page(bool, bool),
    /// Another tab signs in (a new session in the cookie jar), refreshes, signs out.
    RemoteSignIn,
    RemoteRefresh,
    RemoteSignOut,
    /// Another tab signs out, its logout never reaches the server (offline, 429, closed
    /// mid-request), and it closes: the durable marker stays, the cookies too.
    RemoteLogoutUnconfirmed,
    /// This page reloads: what it had on the wire reaches the server, the answers are lost,
    /// and a new machine starts from storage (the marker).
    Reload,
}

pub(super) fn op() -> impl Strategy<Value = Op> {
    let fault = prop_oneof![
        6 => Just(Fault::None),
        1 => Just(Fault::Server),
        1 => Just(Fault::Network),
        1 => Just(Fault::Throttled),
    ];
    prop_oneof![
        3 => any::<bool>().prop_map(Op::Login),
        1 => (0u8..3).prop_map(Op::SignUp),
        1 => prop_oneof![
            Just(AccountCall::ChangePassword),
            Just(AccountCall::UpdateUser),
            Just(AccountCall::RequestReset),
            Just(AccountCall::VerifyEmail),
            Just(AccountCall::ResendEmail),
        ]
        .prop_map(Op::Account),
        2 => Just(Op::Logout),
        2 => Just(Op::Refresh),
        1 => Just(Op::Retry),
        2 => Just(Op::Fetch),
        2 => Just(Op::Restore),
        1 => Just(Op::Doctor),
        2 => Just(Op::Examine),
        8 => (any::<usize>(), fault).prop_map(|(i, f)| Op::Deliver(i, f)),
        4 => any::<bool>().prop_map(Op::Grant),
        3 => prop_oneof![0u64..100, 0u64..20_000, 0u64..2_000_000].prop_map(Op::Advance),
        1 => prop_oneof![0u64..20_000, 0u64..4_000_000].prop_map(Op::Sleep),
        1 => prop_oneof![-7_200_000i64..7_200_000, -60_000i64..60_000].prop_map(Op::SetClock),
        2 => (proptest::bool::weighted(0.7), proptest::bool::weighted(0.7))
            .prop_map(|(v, o)| Op::Page(v, o)),
        1 => Just(Op::RemoteSignIn),
        1 => Just(Op::RemoteRefresh),
        1 => Just(Op::RemoteSignOut),
        1 => Just(Op::RemoteLogoutUnconfirmed),
        1 => Just(Op::Reload),
    ]
}

/// How the model server stamps `iat` on access tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Iat {
    /// simplejwt ≥ 5.5.1: the time of issue.
    Fresh,
    /// simplejwt ≤ 5.5.0: a refreshed token carries the refresh token's (the login's).
    Stale,
    /// None at all.
    Missing,
}

pub(super) fn iat_kind() -> impl Strategy<Value = Iat> {
    prop_oneof![Just(Iat::Fresh), Just(Iat::Stale), Just(Iat::Missing)]
}
