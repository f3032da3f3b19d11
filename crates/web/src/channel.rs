//! Messages between the tabs of one origin: `BroadcastChannel`, or — where it is missing — the
//! `storage` event of `localStorage` (best effort; see [`Channel::open`]).

use alloc::string::String;

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

use super::events::Listener;
use super::get;
use super::storage::Store;

/// A channel to the other tabs. Dropping it closes it.
pub enum Channel {
    /// `BroadcastChannel`: structured messages, never written anywhere.
    Broadcast {
        /// The channel.
        channel: BroadcastChannel,
        /// The message handler, kept alive while the channel is open.
        _on_message: Closure<dyn FnMut(JsValue)>,
    },
    /// `localStorage` + the `storage` event: the message is written and removed at once.
    Storage {
        /// The key messages are written to.
        store: Store,
        /// The `storage` listener, removed on drop.
        _listener: Listener,
    },
}

impl Channel {
    /// Opens the channel `name`; `on_message` receives each message from another tab.
    /// `None` when neither `BroadcastChannel` nor `localStorage` is available.
    pub fn open(
        name: &str,
        debug: bool,
        on_message: impl Fn(JsValue) + 'static,
    ) -> Option<Channel> {
        if let Ok(channel) = BroadcastChannel::new(name) {
            // The same closure type as every other listener (a `MessageEvent` one would add
            // its own glue); `data` is read like any property.
            let on_message =
                Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| on_message(get(&e, "data")));
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            return Some(Channel::Broadcast {
                channel,
                _on_message: on_message,
            });
        }
        let store = Store::open_flag(name, debug);
        if !store.persistent() {
            return None;
        }
        let key = String::from(name);
        let listener = Listener::on_global_event("storage", move |e: JsValue| {
            let get = |k: &str| Reflect::get(&e, &JsValue::from_str(k)).ok();
            if get("key").and_then(|k| k.as_string()).as_deref() != Some(key.as_str()) {
                return;
            }
            if let Some(text) = get("newValue").and_then(|v| v.as_string()) {
                if let Ok(message) = JSON::parse(&text) {
                    on_message(message);
                }
            }
        })?;
        Some(Channel::Storage {
            store,
            _listener: listener,
        })
    }

    /// Whether messages may carry a token: only `BroadcastChannel`, which writes nothing to
    /// storage.
    pub fn private(&self) -> bool {
        matches!(self, Channel::Broadcast { .. })
    }

    /// Sends `message` to the other tabs.
    pub fn post(&self, message: &JsValue) {
        match self {
            Channel::Broadcast { channel, .. } => {
                let _ = channel.post_message(message);
            }
            Channel::Storage { store, .. } => {
                if let Some(text) = JSON::stringify(message).ok().and_then(|s| s.as_string()) {
                    store.set(&text);
                    store.remove();
                }
            }
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        if let Channel::Broadcast { channel, .. } = self {
            channel.set_onmessage(None);
            channel.close();
        }
    }
}
