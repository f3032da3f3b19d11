//! The session machine alone behind the narrowest interface a hand-written JS shell could use:
//! JS writes one input into a byte buffer (`buf`), calls `handle`, and reads the actions back
//! (`out_ptr` / `out_len`); a reply's parsed body stays in JS and is read through three imports.
//! Every input is decoded and every action encoded, so nothing of the machine is left out by
//! the linker. Built by `scripts/size-report.sh --machine`; never shipped or run.
#![no_std]
#![allow(unsafe_code)] // imports, exports and the one machine of this instance

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use tokenward_core::account::AccountCall;
use tokenward_core::claims::{self, Claims, ClaimsError};
use tokenward_core::error::{AuthError, ErrorCode};
use tokenward_core::logout::LogoutOutcome;
use tokenward_core::outcome::Endpoint;
use tokenward_core::reply::{self, Body, FieldNames, Member};
use tokenward_core::secret::Secret;
use tokenward_core::session::{
    Action, Attempt, Broadcast, Call, Delay, Input, Machine, OpId, Options, Outcome, PageState,
    Payload, Reading, Reply, ReqId, Snapshot, TokenRecord, Waited,
};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[link(wasm_import_module = "t")]
extern "C" {
    /// 0: not JSON, 1: JSON but not an object, 2: an object.
    fn body_kind() -> u32;
    /// The member `key` of the body: its kind, its value written into the input buffer.
    fn body_member(key: *const u8, len: u32) -> u32;
    /// The body's keys written into the input buffer; how many.
    fn body_keys() -> u32;
    /// Decodes a token's payload segment (`atob`, `JSON.parse`) and makes it the body the three
    /// imports above read, until the reply's own is back (`reply_body`).
    fn jwt_payload(segment: *const u8, len: u32);
    fn reply_body();
    fn now_wall() -> f64;
    fn now_mono() -> f64;
}

/// One value of this single-threaded instance.
struct Slot<T>(RefCell<T>);
// SAFETY: wasm32 without threads: there is one thread.
unsafe impl<T> Sync for Slot<T> {}

static MACHINE: Slot<Option<(Machine<u32>, FieldNames)>> = Slot(RefCell::new(None));
/// The input buffer and its read position; the output buffer.
static IO: Slot<(Vec<u8>, usize, Vec<u8>)> = Slot(RefCell::new((Vec::new(), 0, Vec::new())));

/// A fresh input buffer of `len` bytes for JS to fill.
#[no_mangle]
pub extern "C" fn buf(len: u32) -> *mut u8 {
    let mut io = IO.0.borrow_mut();
    io.0 = alloc::vec![0; len as usize];
    io.1 = 0;
    io.0.as_mut_ptr()
}

/// Where the output is.
#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    IO.0.borrow().2.as_ptr()
}

/// How long the output is.
#[no_mangle]
pub extern "C" fn out_len() -> u32 {
    IO.0.borrow().2.len() as u32
}

fn byte() -> u8 {
    let mut io = IO.0.borrow_mut();
    let i = io.1;
    io.1 += 1;
    io.0.get(i).copied().unwrap_or(0)
}

fn u32_in() -> u32 {
    u32::from_le_bytes([byte(), byte(), byte(), byte()])
}

fn f64_in() -> f64 {
    let mut b = [0u8; 8];
    for x in &mut b {
        *x = byte();
    }
    f64::from_le_bytes(b)
}

fn ms_in() -> Option<u64> {
    let n = f64_in();
    (n >= 0.0).then_some(n as u64)
}

fn str_in() -> String {
    let n = u32_in() as usize;
    let mut io = IO.0.borrow_mut();
    let start = io.1;
    let end = (start + n).min(io.0.len());
    io.1 = end;
    String::from_utf8(io.0[start..end].to_vec()).unwrap_or_default()
}

fn out(bytes: &[u8]) {
    IO.0.borrow_mut().2.extend_from_slice(bytes);
}

fn byte_out(v: u8) {
    out(&[v]);
}

fn u32_out(v: u32) {
    out(&v.to_le_bytes());
}

fn f64_out(v: f64) {
    out(&v.to_le_bytes());
}

fn ms_out(v: Option<u64>) {
    f64_out(v.map_or(-1.0, |n| n as f64));
}

fn str_out(v: &str) {
    u32_out(v.len() as u32);
    out(v.as_bytes());
}

fn reading() -> Reading {
    // SAFETY: imports without arguments.
    unsafe {
        Reading {
            wall: now_wall() as u64,
            mono: now_mono() as u64,
        }
    }
}

fn page(b: u8) -> PageState {
    PageState {
        visible: b & 1 != 0,
        online: b & 2 != 0,
    }
}

fn snapshot_in() -> Snapshot<u32> {
    let value = Secret::new(str_in());
    let expires_at = ms_in();
    let lifetime = ms_in();
    let user = u32_in();
    Snapshot {
        record: TokenRecord {
            value,
            expires_at,
            lifetime,
        },
        user: (user != 0).then_some(user),
    }
}

fn payload_in() -> Payload {
    match byte() {
        0 => Payload::Nothing,
        1 => Payload::Empty,
        2 => Payload::Credentials(Secret::new(str_in())),
        _ => Payload::Form(OpId(u32_in())),
    }
}

fn account_in() -> AccountCall {
    match byte() {
        0 => AccountCall::SignUp,
        1 => AccountCall::ChangePassword,
        2 => AccountCall::RequestReset,
        3 => AccountCall::ConfirmReset,
        4 => AccountCall::UpdateUser,
        5 => AccountCall::VerifyEmail,
        _ => AccountCall::ResendEmail,
    }
}

/// The parsed body of the reply being read, held by JS.
struct JsBody;

impl Body for JsBody {
    fn is_json(&self) -> bool {
        // SAFETY: an import without arguments.
        unsafe { body_kind() > 0 }
    }

    fn is_object(&self) -> bool {
        // SAFETY: as above.
        unsafe { body_kind() == 2 }
    }

    fn member(&self, key: &str) -> Member {
        // SAFETY: the key's bytes outlive the call.
        match unsafe { body_member(key.as_ptr(), key.len() as u32) } {
            1 => Member::Text(str_in()),
            2 => Member::Number(f64_in()),
            3 => Member::List((0..u32_in()).map(|_| str_in()).collect()),
            4 => Member::Other,
            _ => Member::Missing,
        }
    }

    fn keys(&self) -> Vec<String> {
        // SAFETY: an import without arguments.
        (0..unsafe { body_keys() }).map(|_| str_in()).collect()
    }

    /// As the npm shell does: the payload decoded by JS, judged by the core.
    fn jwt_claims(&self, token: &str) -> Result<Claims, ClaimsError> {
        let segment = claims::payload_segment(token)?;
        // SAFETY: the segment's bytes outlive the calls.
        unsafe { jwt_payload(segment.as_ptr(), segment.len() as u32) };
        let read = claims::from_payload(&JsBody);
        // SAFETY: an import without arguments.
        unsafe { reply_body() };
        read
    }
}

fn failure_in() -> AuthError {
    match byte() {
        0 => AuthError::new(ErrorCode::Timeout, "the request timed out (timeoutMs)"),
        1 => AuthError::new(
            ErrorCode::Aborted,
            "the request was aborted by its AbortSignal",
        ),
        _ => AuthError::new(
            ErrorCode::Network,
            "the request failed: server unreachable or blocked by CORS",
        ),
    }
}

fn call_in() -> Call<u32> {
    match byte() {
        0 => Call::Login(Secret::new(str_in())),
        1 => Call::LoginWith(Secret::new(str_in()), str_in()),
        2 => Call::SignUp {
            fields: Secret::new(str_in()),
            login: Secret::new(str_in()),
        },
        3 => Call::Account(account_in(), payload_in()),
        4 => Call::Logout,
        5 => Call::Refresh,
        6 => Call::RefreshAfter401,
        7 => Call::Restore((byte() == 1).then(snapshot_in)),
        8 => Call::AwaitSession,
        _ => Call::Doctor,
    }
}

fn input_in(fields: &FieldNames) -> Input<u32> {
    match byte() {
        0 => Input::Call(OpId(u32_in()), call_in()),
        1 => {
            let id = ReqId(u32_in());
            if byte() == 0 {
                let status = u32_in() as u16;
                let facts = reply::facts(&JsBody, fields);
                let user = u32_in();
                let user = (user != 0).then_some(user);
                Input::Reply(
                    id,
                    Ok(Reply {
                        status,
                        facts,
                        user,
                    }),
                )
            } else {
                Input::Reply(id, Err(failure_in()))
            }
        }
        2 => Input::LockAcquired(if byte() == 0 {
            Waited::No
        } else {
            Waited::ForAnotherTab
        }),
        3 => Input::LockFailed,
        4 => Input::Timeout,
        5 => Input::Wake(page(byte())),
        6 => {
            let s = snapshot_in();
            Input::RemoteToken(s, byte() == 1)
        }
        7 => Input::RemoteSignedOut,
        8 => Input::RemoteExpired,
        9 => Input::RemoteUser(snapshot_in()),
        _ => {
            let b = byte();
            Input::Examined {
                signed_in: b & 1 != 0,
                cleared: b & 2 != 0,
            }
        }
    }
}

fn snapshot_out(s: &Snapshot<u32>) {
    str_out(s.record.value.expose());
    ms_out(s.record.expires_at);
    ms_out(s.record.lifetime);
    u32_out(s.user.unwrap_or(0));
}

fn error_out(e: &AuthError) {
    str_out(e.code.as_str());
    str_out(&e.message);
    u32_out(e.status.map_or(0, u32::from));
    str_out(e.detail.as_deref().unwrap_or(""));
    u32_out(e.fields.len() as u32);
    for (name, messages) in &e.fields {
        str_out(name);
        u32_out(messages.len() as u32);
        for m in messages {
            str_out(m);
        }
    }
}

fn logout_out(o: &LogoutOutcome) {
    byte_out(u8::from(o.server_confirmed));
    str_out(o.warning.as_deref().unwrap_or(""));
}

fn endpoint_out(e: Endpoint) {
    let i = Endpoint::CONFIGURED.iter().position(|c| *c == e);
    byte_out(i.map_or(255, |i| i as u8));
}

fn outcome_out(o: Outcome<u32>) {
    match o {
        Outcome::Session(s) => {
            byte_out(0);
            snapshot_out(&s);
        }
        Outcome::NoSession => byte_out(1),
        Outcome::LoggedOut(l) => {
            byte_out(2);
            logout_out(&l);
        }
        Outcome::Failed(e) => {
            byte_out(3);
            error_out(&e);
        }
        Outcome::Turn => byte_out(4),
        Outcome::SignedUp(s) => {
            byte_out(5);
            if let Some(s) = s {
                snapshot_out(&s);
            }
        }
        Outcome::Answered(d) => {
            byte_out(6);
            str_out(d.as_deref().unwrap_or(""));
        }
        Outcome::User(u) => {
            byte_out(7);
            u32_out(u);
        }
        Outcome::Decided => byte_out(8),
    }
}

fn action_out(a: Action<u32>) {
    match a {
        Action::Send(id, r) => {
            byte_out(0);
            u32_out(id.0);
            endpoint_out(r.endpoint);
            str_out(r.url.as_deref().unwrap_or(""));
            match &r.payload {
                Payload::Nothing => byte_out(0),
                Payload::Empty => byte_out(1),
                Payload::Credentials(c) => {
                    byte_out(2);
                    str_out(c.expose());
                }
                Payload::Form(op) => {
                    byte_out(3);
                    u32_out(op.0);
                }
            }
            str_out(r.bearer.as_ref().map_or("", Secret::expose));
            byte_out(u8::from(r.mint_csrf));
            u32_out(r.timeout.get());
        }
        Action::AcquireLock(d) => {
            byte_out(1);
            u32_out(d.get());
        }
        Action::ReleaseLock => byte_out(2),
        Action::Settle(op, o) => {
            byte_out(3);
            u32_out(op.0);
            outcome_out(o);
        }
        Action::Emit(e) => {
            byte_out(4);
            str_out(e.kind.as_str());
            u32_out(e.user.unwrap_or(0));
            str_out(e.source.as_str());
            str_out(e.reason.unwrap_or(""));
        }
        Action::Persist(s) => {
            byte_out(5);
            snapshot_out(&s);
        }
        Action::ClearStorage => byte_out(6),
        Action::Broadcast(b) => {
            byte_out(7);
            match b {
                Broadcast::Token {
                    snapshot,
                    signed_in,
                } => {
                    byte_out(0);
                    snapshot_out(&snapshot);
                    byte_out(u8::from(signed_in));
                }
                Broadcast::SignedOut => byte_out(1),
                Broadcast::Expired => byte_out(2),
                Broadcast::User(s) => {
                    byte_out(3);
                    snapshot_out(&s);
                }
            }
        }
        Action::RememberLogout => byte_out(8),
        Action::ForgetLogout => byte_out(9),
    }
}

/// Makes the machine from the options in the input buffer.
#[no_mangle]
pub extern "C" fn create() {
    let opts = Options {
        leeway: f64_in() as u64,
        timeout: f64_in() as u64,
        cross_tab: byte() == 1,
        user_lookup: byte() == 1,
        seed: f64_in() as u64,
        page: page(byte()),
    };
    let logout_unconfirmed = byte() == 1;
    let fields = FieldNames {
        access: str_in(),
        access_expiration: str_in(),
        user: str_in(),
    };
    let machine = Machine::new(opts, logout_unconfirmed, reading());
    *MACHINE.0.borrow_mut() = Some((machine, fields));
}

/// One input from the buffer: the actions it caused into the output; the timer's delay (-1:
/// none).
#[no_mangle]
pub extern "C" fn handle() -> f64 {
    IO.0.borrow_mut().2.clear();
    let mut slot = MACHINE.0.borrow_mut();
    let Some((m, fields)) = slot.as_mut() else {
        return -1.0;
    };
    let input = input_in(fields);
    m.handle(input, reading());
    while let Some(a) = m.poll_action() {
        action_out(a);
    }
    let now = m.time_at(reading());
    m.poll_timeout()
        .map_or(-1.0, |at| f64::from(Delay::until(at, now).get()))
}

/// The getters' state in one: status, session, the clock's evidence, why it is unknown.
#[no_mangle]
pub extern "C" fn read() {
    IO.0.borrow_mut().2.clear();
    let slot = MACHINE.0.borrow();
    let Some((m, _)) = slot.as_ref() else { return };
    byte_out(m.state() as u8);
    match m.snapshot() {
        Some(s) => {
            byte_out(1);
            snapshot_out(&s);
        }
        None => byte_out(0),
    }
    let (offset, jumps) = m.clock_evidence();
    f64_out(offset.map_or(f64::NAN, |o| o as f64));
    u32_out(jumps);
    if let Some(e) = m.unreachable() {
        error_out(e);
    }
}

/// `auth.fetch`: may a request go out (the `Gate` as a number); the token's generation and
/// value in the output.
#[no_mangle]
pub extern "C" fn gate() -> u32 {
    IO.0.borrow_mut().2.clear();
    let slot = MACHINE.0.borrow();
    let Some((m, _)) = slot.as_ref() else {
        return 0;
    };
    if let Some((gen, token)) = m.bearer() {
        f64_out(gen as f64);
        str_out(token.expose());
    }
    m.fetch_gate(m.time_at(reading())) as u32
}

/// `auth.fetch`'s answer with `status` (a 403's body `code` in the input buffer): whether and
/// how to resend (the `Retry` as a number).
#[no_mangle]
pub extern "C" fn answered(status: u32, sent_with: f64, retried: u32) -> u32 {
    let slot = MACHINE.0.borrow();
    let Some((m, _)) = slot.as_ref() else {
        return 2;
    };
    if retried == 1 {
        return 2;
    }
    let code = str_in();
    let mut attempt = Attempt::default();
    attempt.sending((sent_with >= 0.0).then_some(sent_with as u64));
    let code = (!code.is_empty()).then_some(code.as_str());
    m.answered(status as u16, code, &mut attempt, m.time_at(reading())) as u32
}
