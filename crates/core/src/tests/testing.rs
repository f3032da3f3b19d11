//! Reply bodies as the tests of the core's modules need them.

use super::{BodyFacts, Secret};
use crate::claims;
use alloc::string::ToString;

/// An error reply: `detail`, and simplejwt's `code` when given.
pub fn detail(d: &str, code: Option<&str>) -> BodyFacts {
    BodyFacts {
        json: true,
        detail: Some(d.to_string()),
        code: code.map(str::to_string),
        ..BodyFacts::default()
    }
}

/// A reply carrying `token`, its claims read as `reply::facts` reads them by default.
pub fn token_facts(token: &str) -> BodyFacts {
    BodyFacts {
        json: true,
        access: Some(Secret::new(token.to_string())),
        claims: Some(claims::decode(token)),
        ..BodyFacts::default()
    }
}
