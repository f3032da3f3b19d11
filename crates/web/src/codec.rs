//! Every object that crosses between the machine and JavaScript, built and read in one place:
//! the `Session`, the `LogoutResult`, `AuthEvent`s (shaped by page.js), the token record that
//! storage and the cross-tab channel carry, the cross-tab messages, and the replies to the
//! SDK's own requests. Reading is total: anything malformed is `None`, never a panic.

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

use crate::http::{self, JsBody};
use crate::{get, set};
use tokenward_core::logout::LogoutOutcome;
use tokenward_core::outcome::Endpoint;
use tokenward_core::reply::{self, FieldNames};
use tokenward_core::secret::Secret;
use tokenward_core::session::{Broadcast, Event, Reply, Snapshot, TokenRecord};

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    /// See page.js.
    pub fn subscribe(list: &Array, callback: &Function) -> Function;
    /// See page.js.
    #[wasm_bindgen(js_name = emit)]
    fn js_emit(list: &Array, kind: &str, user: &JsValue, source: &str, reason: Option<&str>)
        -> u32;
}

/// Calls every subscriber in `list` with the `AuthEvent` of `event`; returns how many threw.
pub fn emit(list: &Array, event: Event<JsValue>) -> u32 {
    js_emit(
        list,
        event.kind.as_str(),
        &event.user.unwrap_or(JsValue::NULL),
        event.source.as_str(),
        event.reason,
    )
}

fn opt_num(v: Option<u64>) -> JsValue {
    v.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

/// `Session`: `{ accessToken, user, expiresAt }`.
pub fn session(s: &Snapshot<JsValue>) -> JsValue {
    let obj = Object::new();
    set(
        &obj,
        "accessToken",
        &JsValue::from_str(s.record.value.expose()),
    );
    set(&obj, "user", s.user.as_ref().unwrap_or(&JsValue::NULL));
    set(&obj, "expiresAt", &opt_num(s.record.expires_at));
    obj.into()
}

/// `LogoutResult`: `{ serverConfirmed, warning? }`.
pub fn logout_result(o: &LogoutOutcome) -> JsValue {
    let obj = Object::new();
    set(
        &obj,
        "serverConfirmed",
        &JsValue::from_bool(o.server_confirmed),
    );
    if let Some(w) = &o.warning {
        set(&obj, "warning", &JsValue::from_str(w));
    }
    obj.into()
}

/// `SignUpResult`: `{ verificationSent, session }`.
pub fn signed_up(s: Option<&Snapshot<JsValue>>) -> JsValue {
    let obj = Object::new();
    set(&obj, "verificationSent", &JsValue::from_bool(s.is_none()));
    set(&obj, "session", &s.map_or(JsValue::NULL, session));
    obj.into()
}

/// `AccountResult`: `{ detail }`, the server's message.
pub fn answered(detail: Option<&str>) -> JsValue {
    let obj = Object::new();
    set(
        &obj,
        "detail",
        &detail.map_or(JsValue::NULL, JsValue::from_str),
    );
    obj.into()
}

/// The token record as stored and broadcast: `{ v: 1, token, expiresAt, lifetime, user }`.
pub fn record(s: &Snapshot<JsValue>) -> Object {
    let obj = Object::new();
    set(&obj, "v", &JsValue::from(1));
    set(&obj, "token", &JsValue::from_str(s.record.value.expose()));
    set(&obj, "expiresAt", &opt_num(s.record.expires_at));
    set(&obj, "lifetime", &opt_num(s.record.lifetime));
    set(&obj, "user", s.user.as_ref().unwrap_or(&JsValue::NULL));
    obj
}

/// Reads a record written by [`record`] (from storage or another tab). The machine judges
/// whether the token is usable; here only the shape is checked.
pub fn read_record(v: &JsValue) -> Option<Snapshot<JsValue>> {
    if get(v, "v").as_f64() != Some(1.0) {
        return None;
    }
    let token = get(v, "token").as_string().filter(|t| !t.is_empty())?;
    let num = |k: &str| {
        get(v, k)
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(|n| n as u64)
    };
    let user = get(v, "user");
    Some(Snapshot {
        record: TokenRecord {
            value: Secret::new(token),
            expires_at: num("expiresAt"),
            lifetime: num("lifetime"),
        },
        user: user.is_object().then_some(user),
    })
}

/// A message to the other tabs. A token travels only when `private` (a `BroadcastChannel`,
/// which writes nothing anywhere); the storage-event fallback carries signals only.
pub fn message(b: &Broadcast<JsValue>, private: bool) -> JsValue {
    let (msg, kind) = match b {
        Broadcast::Token {
            snapshot,
            signed_in,
        } => {
            let msg = if private {
                record(snapshot)
            } else {
                Object::new()
            };
            set(&msg, "signedIn", &JsValue::from_bool(*signed_in));
            (msg, "token")
        }
        Broadcast::User(snapshot) => {
            let msg = if private {
                record(snapshot)
            } else {
                Object::new()
            };
            (msg, "user")
        }
        Broadcast::SignedOut => (Object::new(), "signedOut"),
        Broadcast::Expired => (Object::new(), "expired"),
    };
    set(&msg, "v", &JsValue::from(1));
    set(&msg, "kind", &JsValue::from_str(kind));
    msg.into()
}

/// A message from another tab.
pub enum Message {
    /// A sign-in (`signed_in`) or a refresh, with the token unless it came through storage.
    Token(Option<Snapshot<JsValue>>, bool),
    /// `updateUser()` in another tab, with the session unless it came through storage.
    User(Option<Snapshot<JsValue>>),
    /// `logout()` in another tab.
    SignedOut,
    /// The refresh cookie was refused in another tab.
    Expired,
}

/// Reads a message of [`message`]; anything else is `None`.
pub fn read_message(v: &JsValue) -> Option<Message> {
    match get(v, "kind").as_string().as_deref() {
        Some("token") => Some(Message::Token(
            read_record(v),
            get(v, "signedIn").as_bool().unwrap_or(false),
        )),
        Some("user") => Some(Message::User(read_record(v))),
        Some("signedOut") => Some(Message::SignedOut),
        Some("expired") => Some(Message::Expired),
        _ => None,
    }
}

/// The machine's view of a reply to one of the SDK's requests to `endpoint`: the body facts,
/// and the user object (a login reply's user field, or a user look-up's body).
pub fn reply(endpoint: Endpoint, r: http::Reply, fields: &FieldNames) -> Reply<JsValue> {
    let facts = reply::facts(&JsBody(&r.json), fields);
    let user = match endpoint {
        Endpoint::Login => as_user(get(&r.json, &fields.user)),
        Endpoint::User | Endpoint::Profile => as_user(r.json),
        _ => None,
    };
    Reply {
        status: r.status,
        facts,
        user,
    }
}

/// A user object: a JSON object (not an array).
fn as_user(v: JsValue) -> Option<JsValue> {
    (v.is_object() && !Array::is_array(&v)).then_some(v)
}
