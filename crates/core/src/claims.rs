//! JWT payload → the two claims the SDK needs: `exp` and `iat` (seconds since the epoch).
//!
//! The signature is not checked: the SDK is not the audience of the token, the server is. The
//! claims only tell the SDK *when* to refresh. Decoding is total: every input gives `Ok` or
//! `Err`, never a panic, and the work is bounded by [`MAX_TOKEN_LEN`].
//!
//! What a token must be is decided here in two halves: [`payload_segment`] (the compact form)
//! and [`from_payload`] (the time claims of a parsed payload). Between them, a shell with a
//! JSON parser at hand decodes the payload with it ([`Body::jwt_claims`]: the browser's `atob`
//! and `JSON.parse`, 0.7 KB gzipped less wasm than this module's own [`decode`],
//! docs/size.md); [`decode`] is the whole way in Rust, for every other shell.

use alloc::vec::Vec;

use crate::reply::{Body, Member};

/// Tokens longer than this are refused (a real access token is a few hundred bytes; a header
/// of this size is already past what most servers accept).
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Largest accepted time claim: year 5138. Keeps `secs * 1000` far from overflow.
const MAX_SECS: u64 = 100_000_000_000;

/// base64url (RFC 4648 §5), padding optional: JWTs omit it, some encoders keep it.
///
/// Hand-written rather than the `base64` crate: this one function is all the SDK needs, and
/// the crate's engine cost about 1.5 KB gzipped in the npm build (docs/decisions.md).
fn base64url_decode(mut text: &[u8]) -> Option<Vec<u8>> {
    // Bytes, not chars, throughout: char patterns pull in UTF-8 searchers (~1 KB of wasm).
    while let [rest @ .., b'='] = text {
        text = rest;
    }
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero (a canonical encoding).
    (acc == 0).then_some(out)
}

/// The time claims of an access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Claims {
    /// `exp`: expiry, seconds since the epoch, by the server's clock.
    pub exp: Option<u64>,
    /// `iat`: issue time, seconds since the epoch, by the server's clock.
    pub iat: Option<u64>,
}

impl Claims {
    /// The token's lifetime as the server set it (`exp − iat`), in ms, when both are known.
    pub fn lifetime_ms(&self) -> Option<u64> {
        match (self.exp, self.iat) {
            (Some(exp), Some(iat)) => Some(exp.saturating_sub(iat) * 1000),
            _ => None,
        }
    }
}

/// Why a token could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsError {
    /// Empty, longer than [`MAX_TOKEN_LEN`], or not three dot-separated parts.
    NotAJwt,
    /// The payload is not base64url.
    BadBase64,
    /// The payload is not a JSON object.
    BadJson,
    /// `exp` or `iat` is present but not a non-negative number in range.
    BadTimeClaim,
}

/// Reads `exp` and `iat` from a compact JWT (`header.payload.signature`).
///
/// # Errors
/// [`ClaimsError`] when the token is not a JWT, its payload is not base64url JSON, or a time
/// claim is not a sensible number.
pub fn decode(token: &str) -> Result<Claims, ClaimsError> {
    let payload = payload_segment(token)?;
    let json = base64url_decode(payload.as_bytes()).ok_or(ClaimsError::BadBase64)?;
    scan_time_claims(&json)
}

/// The payload segment of a compact JWT: three dot-separated parts, header and payload
/// non-empty, the payload in the base64url alphabet (padding allowed), at most
/// [`MAX_TOKEN_LEN`] bytes in all.
///
/// # Errors
/// [`ClaimsError::NotAJwt`], or [`ClaimsError::BadBase64`] for a payload outside the
/// alphabet.
pub fn payload_segment(token: &str) -> Result<&str, ClaimsError> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(ClaimsError::NotAJwt);
    }
    // Bytes, not chars: char patterns pull in UTF-8 searchers (~1 KB of wasm).
    let mut parts = token.as_bytes().split(|b| *b == b'.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ClaimsError::NotAJwt);
    };
    if header.is_empty() || payload.is_empty() {
        return Err(ClaimsError::NotAJwt);
    }
    let mut unpadded = payload;
    while let [rest @ .., b'='] = unpadded {
        unpadded = rest;
    }
    let alphabet = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
    if !unpadded.iter().all(alphabet) {
        return Err(ClaimsError::BadBase64);
    }
    core::str::from_utf8(payload).map_err(|_| ClaimsError::BadBase64)
}

/// The time claims of a payload another parser decoded (base64url, then JSON): `payload` is
/// what it gave, not JSON when it failed.
///
/// # Errors
/// [`ClaimsError::BadJson`] when the payload is not a JSON object,
/// [`ClaimsError::BadTimeClaim`] when `exp` or `iat` is present but not a number of seconds
/// from 0 to year 5138 (a fraction is dropped).
pub fn from_payload(payload: &impl Body) -> Result<Claims, ClaimsError> {
    if !payload.is_object() {
        return Err(ClaimsError::BadJson);
    }
    let time = |key| match payload.member(key) {
        Member::Missing => Ok(None),
        Member::Number(n) if (0.0..=MAX_SECS as f64).contains(&n) => Ok(Some(n as u64)),
        _ => Err(ClaimsError::BadTimeClaim),
    };
    Ok(Claims {
        exp: time("exp")?,
        iat: time("iat")?,
    })
}

/// Finds the top-level numeric `exp` and `iat` members of a JSON object.
fn scan_time_claims(json: &[u8]) -> Result<Claims, ClaimsError> {
    let mut p = Parser { s: json, i: 0 };
    let mut claims = Claims::default();
    p.ws();
    p.eat(b'{')?;
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let key = p.string()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let slot = match key.as_slice() {
                b"exp" => Some(&mut claims.exp),
                b"iat" => Some(&mut claims.iat),
                _ => None,
            };
            match slot {
                Some(slot) => *slot = Some(p.time_number()?),
                None => p.skip_value(0)?,
            }
            p.ws();
            match p.next() {
                Some(b',') => continue,
                Some(b'}') => break,
                _ => return Err(ClaimsError::BadJson),
            }
        }
    }
    p.ws();
    if p.i != json.len() {
        return Err(ClaimsError::BadJson);
    }
    Ok(claims)
}

/// Nesting deeper than this is refused (a JWT payload is flat).
const MAX_DEPTH: u32 = 32;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn eat(&mut self, want: u8) -> Result<(), ClaimsError> {
        if self.next() == Some(want) {
            Ok(())
        } else {
            Err(ClaimsError::BadJson)
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string's raw bytes (escapes kept as written: the keys we look for have none).
    fn string(&mut self) -> Result<Vec<u8>, ClaimsError> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.next() {
                None => return Err(ClaimsError::BadJson),
                Some(b'"') => return Ok(self.s[start..self.i - 1].to_vec()),
                Some(b'\\') => {
                    if self.next().is_none() {
                        return Err(ClaimsError::BadJson);
                    }
                }
                Some(c) if c < 0x20 => return Err(ClaimsError::BadJson),
                Some(_) => {}
            }
        }
    }

    /// A JSON number used as a time in seconds: a non-negative integer, optionally with a
    /// fraction (dropped) or an exponent (refused: no issuer writes times that way).
    fn time_number(&mut self) -> Result<u64, ClaimsError> {
        let mut value: u64 = 0;
        let mut digits = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.i += 1;
            digits += 1;
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .ok_or(ClaimsError::BadTimeClaim)?;
        }
        if digits == 0 {
            return Err(ClaimsError::BadTimeClaim);
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let mut frac = 0;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
                frac += 1;
            }
            if frac == 0 {
                return Err(ClaimsError::BadJson);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) || value > MAX_SECS {
            return Err(ClaimsError::BadTimeClaim);
        }
        Ok(value)
    }

    /// Skips any JSON value.
    fn skip_value(&mut self, depth: u32) -> Result<(), ClaimsError> {
        if depth > MAX_DEPTH {
            return Err(ClaimsError::BadJson);
        }
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(open @ (b'{' | b'[')) => {
                self.i += 1;
                let close = if open == b'{' { b'}' } else { b']' };
                self.ws();
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if open == b'{' {
                        self.string()?;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.next() {
                        Some(b',') => continue,
                        Some(c) if c == close => return Ok(()),
                        _ => return Err(ClaimsError::BadJson),
                    }
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.i += 1;
                }
                if self.i == start {
                    Err(ClaimsError::BadJson)
                } else {
                    Ok(())
                }
            }
            _ => Err(ClaimsError::BadJson),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ClaimsError> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(ClaimsError::BadJson)
        }
    }
}

#[cfg(test)]
#[path = "tests/claims.rs"]
mod tests;
