//! Tests of `doctor::sites`.

use super::*;

#[test]
fn sites_are_registrable_domains_or_hosts() {
    assert_eq!(site("app.example.com"), "example.com");
    assert_eq!(site("API.Example.com."), "example.com");
    assert_eq!(site("example.com"), "example.com");
    assert_eq!(site("shop.example.co.uk"), "example.co.uk");
    assert_eq!(site("my-app.netlify.app"), "my-app.netlify.app");
    assert_eq!(site("api.herokuapp.com"), "api.herokuapp.com");
    assert_eq!(site("x.y.up.railway.app"), "y.up.railway.app");
    assert_eq!(site("127.0.0.1"), "127.0.0.1");
    assert_eq!(site("localhost"), "localhost");
    assert_eq!(site("[::1]"), "[::1]");
}

fn codes(origin: &str, api: &str) -> Vec<&'static str> {
    findings(origin, api).iter().map(|f| f.code).collect()
}

#[test]
fn a_cross_site_api_is_named_with_both_sites_and_the_fix() {
    assert!(codes("https://app.example.com", "https://api.example.com/").is_empty());
    assert!(codes("http://127.0.0.1:8000", "http://127.0.0.1:8001/").is_empty());
    let f = findings("http://localhost:8000", "http://127.0.0.1:8001/");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].code, f[0].level), ("cross_site", Level::Warning));
    assert!(f[0].message.contains("site localhost") && f[0].message.contains("site 127.0.0.1"));
    assert!(f[0].message.contains("Safari"));
    assert!(f[0].fix.as_deref().is_some_and(|x| x.contains("proxy")));
    assert_eq!(
        codes("https://app.netlify.app", "https://api.herokuapp.com/"),
        ["cross_site"]
    );
    assert_eq!(
        codes(
            "https://a.example.com",
            "https://user:pw@b.example.com:8443/api/"
        ),
        Vec::<&str>::new()
    );
}

#[test]
fn an_http_api_under_an_https_page_is_mixed_content() {
    assert_eq!(
        codes("https://app.example.com", "http://api.example.com/"),
        ["mixed_content"]
    );
    assert!(codes("http://app.example.com", "https://api.example.com/").is_empty());
}

#[test]
fn anything_else_is_no_finding_and_no_panic() {
    for (o, a) in [
        ("", ""),
        ("null", "http://x/"),
        ("http://", "http://[::1"),
        ("x://[", "://"),
    ] {
        assert!(findings(o, a).is_empty(), "{o:?} {a:?}");
    }
}
