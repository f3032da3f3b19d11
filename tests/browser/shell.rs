//! The npm package under test: its JavaScript shell (js/, bundled as a script by
//! scripts/build.sh into target/shell/tokenward.iife.js) over its session machine
//! (pkg/tokenward_bg.wasm), loaded into the test page once. [`AuthClient`] wraps the JS class
//! with the methods the tests call, and frees the client when dropped, as an app's `free()`.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The shell's `AuthClient`.
    pub type JsClient;
    #[wasm_bindgen(method)]
    fn login(this: &JsClient, credentials: JsValue) -> Promise;
    #[wasm_bindgen(method)]
    fn refresh(this: &JsClient) -> Promise;
    #[wasm_bindgen(method)]
    fn logout(this: &JsClient) -> Promise;
    #[wasm_bindgen(method)]
    fn restore(this: &JsClient) -> Promise;
    #[wasm_bindgen(method)]
    fn fetch(this: &JsClient, input: JsValue, init: JsValue) -> Promise;
    #[wasm_bindgen(method)]
    fn doctor(this: &JsClient, options: JsValue) -> Promise;
    #[wasm_bindgen(method, js_name = onChange)]
    fn on_change(this: &JsClient, callback: &Function) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = accessToken)]
    fn access_token(this: &JsClient) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &JsClient) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = isAuthenticated)]
    fn is_authenticated(this: &JsClient) -> bool;
    #[wasm_bindgen(method, getter)]
    fn user(this: &JsClient) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = expiresAt)]
    fn expires_at(this: &JsClient) -> Option<f64>;
    #[wasm_bindgen(method)]
    fn free(this: &JsClient);
}

thread_local! {
    /// The shell's exports, its machine instantiated.
    static SHELL: JsValue = load();
}

/// The bundle scripts/build.sh makes of the shell, with the machine it carries.
const SCRIPT: &str = include_str!("../../target/shell/tokenward.iife.js");

/// A copy of the package's module of its own (its exports), not yet initialised.
pub fn fresh() -> JsValue {
    Function::new_no_args(&format!("{SCRIPT}\nreturn tokenward;"))
        .call0(&JsValue::NULL)
        .expect("the shell loads")
}

fn load() -> JsValue {
    let shell = fresh();
    let wasm = js_sys::Uint8Array::from(&include_bytes!("../../pkg/tokenward_bg.wasm")[..]);
    let init: Function = Reflect::get(&shell, &"initSync".into())
        .unwrap()
        .unchecked_into();
    init.call1(&JsValue::NULL, &wasm)
        .expect("the machine instantiates");
    shell
}

/// A client of the package (`new AuthClient(config)`), freed when dropped.
pub struct AuthClient(JsClient);

impl AuthClient {
    /// `new AuthClient(config)`: the client, or what the constructor threw.
    pub fn new(config: JsValue) -> Result<AuthClient, JsValue> {
        SHELL.with(|shell| {
            let class: Function = Reflect::get(shell, &"AuthClient".into())
                .unwrap()
                .unchecked_into();
            Reflect::construct(&class, &js_sys::Array::of1(&config))
                .map(|c| AuthClient(c.unchecked_into()))
        })
    }

    pub fn login(&self, credentials: JsValue) -> Promise {
        self.0.login(credentials)
    }

    pub fn refresh(&self) -> Promise {
        self.0.refresh()
    }

    pub fn logout(&self) -> Promise {
        self.0.logout()
    }

    pub fn restore(&self) -> Promise {
        self.0.restore()
    }

    pub fn fetch(&self, input: JsValue, init: Option<Object>) -> Promise {
        self.0
            .fetch(input, init.map_or(JsValue::UNDEFINED, Into::into))
    }

    pub fn doctor(&self, options: Option<Object>) -> Promise {
        self.0
            .doctor(options.map_or(JsValue::UNDEFINED, Into::into))
    }

    pub fn on_change(&self, callback: Function) -> JsValue {
        self.0.on_change(&callback)
    }

    pub fn access_token(&self) -> Option<String> {
        self.0.access_token()
    }

    pub fn status(&self) -> JsValue {
        self.0.status()
    }

    pub fn is_authenticated(&self) -> bool {
        self.0.is_authenticated()
    }

    pub fn user(&self) -> JsValue {
        self.0.user()
    }

    pub fn expires_at(&self) -> Option<f64> {
        self.0.expires_at()
    }
}

impl Drop for AuthClient {
    fn drop(&mut self) {
        self.0.free();
    }
}

impl From<AuthClient> for JsValue {
    /// The client handed to JS, which owns it from then on: not freed here.
    fn from(c: AuthClient) -> JsValue {
        let c = core::mem::ManuallyDrop::new(c);
        JsValue::clone(&c.0)
    }
}
