//! Coordination with other tabs, as seen from one page: a second client on the same channel
//! stands in for another tab (BroadcastChannel delivers to every other channel of the name,
//! in the same page too).

use wasm_bindgen_test::*;

use crate::helpers::*;

#[wasm_bindgen_test]
async fn a_refusal_right_after_another_tab_rotated_is_retried_once_only_with_evidence_of_one() {
    fresh_start().await;
    let blacklisted = r#"{"detail":"Token is blacklisted","code":"token_not_valid"}"#;
    let c = client();
    login(&c).await;
    // Another tab (a second client on the same channel) refreshes and shares its token: this
    // tab now knows a peer may rotate the cookie.
    let other = client();
    ok(other.refresh()).await;
    sleep(100).await; // its message arrives (c adopts that token)
    let rec = Recorder::on(&c);
    fault(REFRESH_PATH, Some(401), blacklisted, 0, 1).await;
    reset_counters().await;
    ok(c.refresh()).await;
    assert_eq!(count(REFRESH_POST).await, 2, "refused once, retried once");
    assert!(c.is_authenticated());
    assert_eq!(rec.list(), ["refreshed:this_tab"]);
    drop(other);
    // No other tab ever heard from: one refusal ends the session, with one request.
    let single = client_with(r#","storageKey":"tw-alone","refreshLeewayMs":0"#);
    login(&single).await;
    fault(REFRESH_PATH, Some(401), blacklisted, 0, 1).await;
    reset_counters().await;
    let e = err(single.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
    assert_eq!(count(REFRESH_POST).await, 1);
}
