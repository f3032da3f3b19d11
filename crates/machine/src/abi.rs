//! The module's imports and exports (wasm32): every `unsafe` of the crate is here.
//!
//! Imports (module `./tokenward_bg.js`, where a bundler's WebAssembly ES module integration finds
//! them): `now_wall()` and `now_mono()` (`Date.now()`, `performance.now()`),
//! and `payload(ptr, len)`, which decodes a token's payload segment and writes it as a body
//! into a fresh input buffer (`alloc`). Exports: `alloc(len)` (the input buffer for the shell
//! to fill), `out_ptr()` and `out_len()` (what the last call wrote), `create()` (a machine from
//! the options in the input; its handle), `endpoints()`, `destroy(id)`, `handle(id)` (one input; the actions
//! in the output; the timer's delay returned, -1 for none), `state(id)`, `gate(id, gen)`,
//! `answered(id, status, sent_with, resent)` and `consult(status)`.
#![allow(unsafe_code)]

use alloc::vec::Vec;
use core::cell::RefCell;

use tokenward_core::reply::FieldNames;
use tokenward_core::session::{
    consult as consult_of, Attempt, Consult, Delay, Gate, Machine, Reading, Retry,
};

use crate::protocol::{self, Members, User};
use crate::wire::{Reader, Writer};

#[link(wasm_import_module = "./tokenward_bg.js")]
extern "C" {
    fn now_wall() -> f64;
    fn now_mono() -> f64;
    fn payload(ptr: *const u8, len: u32);
}

/// A value of this single-threaded instance.
struct Slot<T>(RefCell<T>);
// SAFETY: wasm32 without the atomics feature has one thread.
unsafe impl<T> Sync for Slot<T> {}

struct Client {
    machine: Machine<User>,
    fields: FieldNames,
}

static INPUT: Slot<Vec<u8>> = Slot(RefCell::new(Vec::new()));
static OUTPUT: Slot<Vec<u8>> = Slot(RefCell::new(Vec::new()));
static CLIENTS: Slot<Vec<Option<Client>>> = Slot(RefCell::new(Vec::new()));

fn reading() -> Reading {
    // SAFETY: imports without arguments, returning numbers.
    let (wall, mono) = unsafe { (now_wall(), now_mono()) };
    Reading {
        wall: wall as u64,
        mono: mono as u64,
    }
}

/// The input the shell wrote (taken: an import may write the next one).
fn input() -> Vec<u8> {
    core::mem::take(&mut *INPUT.0.borrow_mut())
}

fn output(w: Writer) {
    *OUTPUT.0.borrow_mut() = w.0;
}

/// The shell's JSON parser on a token's payload segment.
fn js_payload(segment: &str) -> Members {
    // SAFETY: the segment's bytes outlive the call; the import writes only through `alloc`.
    unsafe { payload(segment.as_ptr(), segment.len() as u32) };
    Members::read(&mut Reader::new(&input()), js_payload)
}

/// Runs `f` on client `id` (0 when there is none).
fn with<R: Default>(id: u32, f: impl FnOnce(&mut Client) -> R) -> R {
    let mut clients = CLIENTS.0.borrow_mut();
    let client = (id as usize)
        .checked_sub(1)
        .and_then(|i| clients.get_mut(i));
    client.and_then(Option::as_mut).map(f).unwrap_or_default()
}

/// A fresh input buffer of `len` bytes for the shell to fill.
#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    let mut input = INPUT.0.borrow_mut();
    *input = alloc::vec![0; len as usize];
    input.as_mut_ptr()
}

/// Where the last call's output is.
#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    OUTPUT.0.borrow().as_ptr()
}

/// How long it is.
#[no_mangle]
pub extern "C" fn out_len() -> u32 {
    OUTPUT.0.borrow().len() as u32
}

/// A machine from the options in the input ([`protocol::options`]): its handle.
#[no_mangle]
pub extern "C" fn create() -> u32 {
    let (opts, logout_unconfirmed, fields) = protocol::options(&mut Reader::new(&input()));
    let client = Client {
        machine: Machine::new(opts, logout_unconfirmed, reading()),
        fields,
    };
    // A handle is never reused: a reply to a destroyed machine's request finds none.
    let mut clients = CLIENTS.0.borrow_mut();
    clients.push(Some(client));
    clients.len() as u32
}

/// The endpoints' config keys and default paths ([`protocol::endpoints`]), into the output.
#[no_mangle]
pub extern "C" fn endpoints() {
    let mut w = Writer::default();
    protocol::endpoints(&mut w);
    output(w);
}

/// Drops machine `id` (`free()`, once its calls have settled).
#[no_mangle]
pub extern "C" fn destroy(id: u32) {
    let mut clients = CLIENTS.0.borrow_mut();
    if let Some(slot) = (id as usize)
        .checked_sub(1)
        .and_then(|i| clients.get_mut(i))
    {
        *slot = None;
    }
}

/// One input ([`protocol::input`]) to machine `id`. The output: whether the device's clock
/// was seen to jump, then every action the machine asks for ([`protocol::action`]). Returns
/// the delay until the machine's timer should fire, -1 for none.
#[no_mangle]
pub extern "C" fn handle(id: u32) -> f64 {
    let bytes = input();
    let mut w = Writer::default();
    let delay = with(id, |c| {
        let m = &mut c.machine;
        let before = m.clock_evidence().1;
        let input = protocol::input(&mut Reader::new(&bytes), &c.fields, js_payload);
        m.handle(input, reading());
        w.flag(m.clock_evidence().1 != before);
        while let Some(a) = m.poll_action() {
            protocol::action(&mut w, &a);
        }
        let now = m.time_at(reading());
        Some(
            m.poll_timeout()
                .map_or(-1.0, |at| f64::from(Delay::until(at, now).get())),
        )
    });
    output(w);
    delay.unwrap_or(-1.0)
}

/// What the getters of machine `id` read ([`protocol::state`]), into the output.
#[no_mangle]
pub extern "C" fn state(id: u32) {
    let mut w = Writer::default();
    with(id, |c| {
        let now = c.machine.time_at(reading());
        protocol::state(&mut w, &c.machine, now);
    });
    output(w);
}

/// `auth.fetch`'s gate now (0 send, 1 wait for the session, 2 refresh first; `refreshed` 1
/// when the request already waited for one refresh: then it goes with what there is, and the
/// server decides). The output: the current token's generation (-1: none), then the token
/// itself unless its generation is `known` (the shell keeps its `Authorization` value per
/// generation).
#[no_mangle]
pub extern "C" fn gate(id: u32, known: f64, refreshed: u32) -> u32 {
    let mut w = Writer::default();
    let gate = with(id, |c| {
        let m = &c.machine;
        match m.bearer() {
            Some((gen, token)) => {
                w.f64(gen as f64);
                if gen as f64 != known {
                    w.str(token.expose());
                }
            }
            None => w.f64(-1.0),
        }
        match m.fetch_gate(m.time_at(reading())) {
            Gate::Send => 0,
            Gate::Wait => 1,
            Gate::RefreshFirst if refreshed == 1 => 0,
            Gate::RefreshFirst => 2,
        }
    });
    output(w);
    gate
}

/// `auth.fetch`'s answer with `status` (a 403's body `code` in the input, see
/// [`consult`]), sent with the token of generation `sent_with` (-1: none), `resent` 1 for the
/// answer to the resend: 0 it is the caller's, 1 resend with the current token, 2 refresh,
/// then resend.
#[no_mangle]
pub extern "C" fn answered(id: u32, status: u32, sent_with: f64, resent: u32) -> u32 {
    let code = Reader::new(&input()).opt_str();
    with(id, |c| {
        let m = &c.machine;
        let sent_with = (sent_with >= 0.0).then_some(sent_with as u64);
        let mut attempt = Attempt::resumed(sent_with, resent == 1);
        let status = status.min(u32::from(u16::MAX)) as u16;
        let retry = m.answered(status, code.as_deref(), &mut attempt, m.time_at(reading()));
        match retry {
            Retry::No => 0,
            Retry::WithCurrent => 1,
            Retry::AfterRefresh => 2,
        }
    })
}

/// The statuses of `auth.fetch`'s answers the machine may retry ([`protocol::consulted`]),
/// into the output.
#[no_mangle]
pub extern "C" fn consulted() {
    let mut w = Writer::default();
    protocol::consulted(&mut w);
    output(w);
}

/// The error of a request that got no reply, its kind (and message) in the input
/// ([`protocol::failure`]), into the output.
#[no_mangle]
pub extern "C" fn failed() {
    let mut w = Writer::default();
    protocol::error_out(&mut w, &protocol::failure(&mut Reader::new(&input())));
    output(w);
}

/// Whether the verdict on an answer with `status` needs the body's `code` (1) or not (0).
#[no_mangle]
pub extern "C" fn consult(status: u32) -> u32 {
    let status = status.min(u32::from(u16::MAX)) as u16;
    u32::from(consult_of(status) == Consult::Body)
}

/// The npm build's runtime: an abort-only panic handler (no panic is reachable from the
/// shell's input: every value is read leniently) and a small allocator.
#[cfg(feature = "npm")]
mod npm {
    #[panic_handler]
    fn panic(_: &::core::panic::PanicInfo) -> ! {
        ::core::arch::wasm32::unreachable()
    }

    // SAFETY: wasm32 without the atomics feature is single-threaded, which is what
    // `AssumeSingleThreaded` requires.
    #[global_allocator]
    static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
}
