//! Messages between the tabs of one origin: `BroadcastChannel`, or — where it is missing — the
//! `storage` event of `localStorage` (best effort). The mechanics are page.js's `openChannel`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    /// An open channel (page.js).
    type Port;
    #[wasm_bindgen(js_name = openChannel)]
    fn open_channel(name: &str, on_message: &JsValue) -> Option<Port>;
    #[wasm_bindgen(method)]
    fn post(this: &Port, message: &JsValue);
    #[wasm_bindgen(method)]
    fn close(this: &Port);
    #[wasm_bindgen(method, getter)]
    fn private(this: &Port) -> bool;
}

/// A channel to the other tabs. Dropping it closes it.
pub struct Channel {
    port: Port,
    private: bool,
}

impl Channel {
    /// Opens the channel `name`; `on_message` receives each message from another tab.
    /// `None` when neither `BroadcastChannel` nor `localStorage` is available.
    pub fn open(name: &str, on_message: impl FnMut(JsValue) + 'static) -> Option<Channel> {
        // Owned by JS once converted: collectable once the channel is closed.
        let on_message = Closure::<dyn FnMut(JsValue)>::new(on_message).into_js_value();
        let port = open_channel(name, &on_message)?;
        Some(Channel {
            private: port.private(),
            port,
        })
    }

    /// Whether messages may carry a token: only `BroadcastChannel`, which writes nothing to
    /// storage.
    pub fn private(&self) -> bool {
        self.private
    }

    /// Sends `message` to the other tabs.
    pub fn post(&self, message: &JsValue) {
        self.port.post(message);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.port.close();
    }
}
