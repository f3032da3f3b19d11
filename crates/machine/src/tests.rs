//! The protocol's layouts, read and written as the JS shell does, natively.

use alloc::string::String;
use alloc::vec::Vec;

use tokenward_core::error::ErrorCode;
use tokenward_core::reply::{Body, FieldNames, Member};
use tokenward_core::session::{
    Action, Call, Input, Machine, OpId, Options, PageState, Reading, ReqId,
};

use crate::protocol::{self, Members};
use crate::wire::{Reader, Writer};

/// The payload `{ "exp": 2000000000, "iat": 1999999700 }`, whatever the segment.
fn payload(_: &str) -> Members {
    let mut w = Writer::default();
    w.byte(2);
    w.u32(2);
    for (k, v) in [("exp", 2_000_000_000.0), ("iat", 1_999_999_700.0)] {
        w.str(k);
        w.byte(2);
        w.f64(v);
    }
    Members::read(&mut Reader::new(&w.0), payload)
}

fn machine() -> Machine<u32> {
    let opts = Options {
        leeway: 30_000,
        timeout: 15_000,
        cross_tab: false,
        user_lookup: false,
        seed: 7,
        page: PageState {
            visible: true,
            online: true,
        },
    };
    Machine::new(opts, false, at())
}

fn at() -> Reading {
    Reading {
        wall: 1_999_999_700_000,
        mono: 1_000,
    }
}

fn decode(bytes: &[u8]) -> Input<u32> {
    protocol::input(&mut Reader::new(bytes), &FieldNames::default(), payload)
}

fn actions(m: &mut Machine<u32>) -> Vec<u8> {
    let mut w = Writer::default();
    while let Some(a) = m.poll_action() {
        protocol::action(&mut w, &a);
    }
    w.0
}

#[test]
fn a_login_call_is_read_as_written() {
    let mut w = Writer::default();
    w.byte(0); // a call
    w.u32(4); // its op
    w.byte(0); // login
    w.str(r#"{"username":"ann"}"#);
    let Input::Call(OpId(4), Call::Login(body)) = decode(&w.0) else {
        panic!("not a login call");
    };
    assert_eq!(body.expose(), r#"{"username":"ann"}"#);
}

#[test]
fn a_login_goes_out_as_the_documented_send_action() {
    let mut m = machine();
    let mut w = Writer::default();
    w.byte(0);
    w.u32(1);
    w.byte(0);
    w.str("{}");
    m.handle(decode(&w.0), at());
    let out = actions(&mut m);
    let mut r = Reader::new(&out);
    assert_eq!(r.byte(), 0, "send");
    let _req = r.u32();
    assert_eq!(r.byte(), 0, "the login endpoint's slot");
    assert_eq!(r.str(), "POST");
    assert_eq!(r.byte(), 2, "the user is the body's user field");
    assert_eq!(r.opt_str(), None, "the configured URL");
    assert_eq!(r.byte(), 2, "credentials");
    assert_eq!(r.str(), "{}");
    assert_eq!(r.opt_str(), None, "no bearer");
    assert!(!r.flag(), "no CSRF cookie minted");
    assert_eq!(r.u32(), 15_000, "the timeout");
    assert!(r.done());
}

/// A login reply as the shell writes it: status 200, `{ access, user: {…} }`, the user's
/// handle.
fn login_reply(req: u32, user: u32) -> Vec<u8> {
    let mut w = Writer::default();
    w.byte(1);
    w.u32(req);
    w.byte(0);
    w.u32(200);
    w.byte(2);
    w.u32(2);
    w.str("access");
    w.byte(1);
    w.str("aaa.bbb.ccc");
    w.str("user");
    w.byte(4);
    w.u32(user);
    w.0
}

#[test]
fn a_reply_signs_in_and_settles_with_the_session_and_the_users_handle() {
    let mut m = machine();
    let mut w = Writer::default();
    w.byte(0);
    w.u32(9);
    w.byte(0);
    w.str("{}");
    m.handle(decode(&w.0), at());
    let Some(Action::Send(ReqId(req), _)) = m.poll_action() else {
        panic!("no request");
    };
    m.handle(decode(&login_reply(req, 5)), at());
    let out = actions(&mut m);
    let mut r = Reader::new(&out);
    let mut settled = false;
    while !r.done() {
        match r.byte() {
            3 => {
                assert_eq!(r.u32(), 9);
                assert_eq!(r.byte(), 0, "a session");
                assert_eq!(r.str(), "aaa.bbb.ccc");
                assert_eq!(r.ms(), Some(1_999_999_999_000), "exp, a second early");
                assert_eq!(r.ms(), Some(300_000), "exp - iat");
                assert_eq!(r.u32(), 5, "the user's handle");
                settled = true;
            }
            4 => {
                assert_eq!(r.str(), "signedIn");
                assert_eq!(r.u32(), 5);
                assert_eq!(r.str(), "this_tab");
                let _reason = r.opt_str();
            }
            5 => {
                assert_eq!(r.str(), "aaa.bbb.ccc", "persisted");
                let _ = (r.ms(), r.ms(), r.u32());
            }
            7 => {
                assert_eq!(r.byte(), 0, "the token to the other tabs");
                assert_eq!(r.str(), "aaa.bbb.ccc");
                let _ = (r.ms(), r.ms(), r.u32());
                assert!(r.flag(), "signed in");
            }
            9 => {} // forget a pending logout: the cookies are this session's
            other => panic!("unexpected action {other}"),
        }
    }
    assert!(settled);
    let mut w = Writer::default();
    protocol::state(&mut w, &m, m.time_at(at()));
    let mut r = Reader::new(&w.0);
    assert_eq!(r.byte(), 1, "signed in");
    assert!(r.flag());
    assert_eq!(r.opt_str().as_deref(), Some("aaa.bbb.ccc"));
    assert_eq!(r.ms(), Some(1_999_999_999_000));
    assert_eq!(r.u32(), 5);
}

#[test]
fn a_failed_request_is_read_as_its_error() {
    let mut w = Writer::default();
    w.byte(1);
    w.u32(3);
    w.byte(1);
    w.byte(0);
    let Input::Reply(ReqId(3), Err(e)) = decode(&w.0) else {
        panic!("not a failure");
    };
    assert_eq!(e.code, ErrorCode::Timeout);
    let mut w = Writer::default();
    w.byte(1);
    w.u32(3);
    w.byte(1);
    w.byte(3);
    w.str("endpoints.user is null");
    let Input::Reply(_, Err(e)) = decode(&w.0) else {
        panic!("not a failure");
    };
    assert_eq!(
        (e.code, &*e.message),
        (ErrorCode::Config, "endpoints.user is null")
    );
}

#[test]
fn a_body_is_read_with_its_lists_and_other_members() {
    let mut w = Writer::default();
    w.byte(2);
    w.u32(3);
    w.str("password1");
    w.byte(3);
    w.u32(2);
    w.str("too short");
    w.str("too common");
    w.str("n");
    w.byte(2);
    w.f64(1.5);
    w.str("user");
    w.byte(4);
    let body = Members::read(&mut Reader::new(&w.0), payload);
    assert!(body.is_object());
    let list = |v: &[&str]| Member::List(v.iter().map(|s| String::from(*s)).collect());
    assert_eq!(body.member("password1"), list(&["too short", "too common"]));
    assert_eq!(body.member("n"), Member::Number(1.5));
    assert_eq!(body.member("user"), Member::Other);
    assert_eq!(body.member("detail"), Member::Missing);
    assert_eq!(body.keys(), ["password1", "n", "user"]);
}

#[test]
fn truncated_or_garbled_input_reads_as_harmless_values() {
    let mut whole = login_reply(1, 2);
    whole.extend_from_slice(&[0xff; 16]);
    for end in 0..whole.len() {
        let _ = decode(&whole[..end]);
        let mut garbled = whole.clone();
        garbled[end] ^= 0x5a;
        let _ = decode(&garbled);
    }
    // A count of four billion members in a few bytes ends with the bytes.
    let mut w = Writer::default();
    w.byte(2);
    w.u32(u32::MAX);
    let body = Members::read(&mut Reader::new(&w.0), payload);
    assert!(body.keys().len() <= 1);
    let mut r = Reader::new(&[0xc3, 0x28]);
    assert_eq!(r.str(), "", "a length past the end");
}

#[test]
fn options_are_read_in_their_order() {
    let mut w = Writer::default();
    w.f64(30_000.0);
    w.f64(15_000.0);
    w.flag(true);
    w.flag(false);
    w.f64(42.0);
    w.byte(2);
    w.flag(true);
    for f in ["a", "b", "c"] {
        w.str(f);
    }
    let (o, logout, fields) = protocol::options(&mut Reader::new(&w.0));
    assert_eq!(
        (o.leeway, o.timeout, o.cross_tab, o.user_lookup),
        (30_000, 15_000, true, false)
    );
    assert_eq!(o.seed, 42);
    assert_eq!((o.page.visible, o.page.online), (false, true));
    assert!(logout);
    assert_eq!(
        (&*fields.access, &*fields.access_expiration, &*fields.user),
        ("a", "b", "c")
    );
}
