//! The bytes between the machine and its JS shell: little-endian `u32` and `f64`, a byte for
//! a flag or a variant, a string as its UTF-8 length (`u32`) and bytes, a duration or a moment
//! as an `f64` (negative: none). Reading past the end gives zeros and empty strings: malformed
//! input from the shell becomes a harmless value, never a panic.

use alloc::string::String;
use alloc::vec::Vec;

/// Reads what the shell wrote.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// Whether everything has been read.
    pub fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let start = self.at.min(self.bytes.len());
        let end = start.saturating_add(n).min(self.bytes.len());
        self.at = end;
        &self.bytes[start..end]
    }

    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    /// A flag: a byte, 1 for true.
    pub fn flag(&mut self) -> bool {
        self.byte() == 1
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        b[..]
            .iter_mut()
            .zip(self.take(4))
            .for_each(|(d, s)| *d = *s);
        u32::from_le_bytes(b)
    }

    /// A little-endian `f64`.
    pub fn f64(&mut self) -> f64 {
        let mut b = [0u8; 8];
        b[..]
            .iter_mut()
            .zip(self.take(8))
            .for_each(|(d, s)| *d = *s);
        f64::from_le_bytes(b)
    }

    /// Milliseconds, or none (a negative number, or not a number).
    pub fn ms(&mut self) -> Option<u64> {
        let n = self.f64();
        (n >= 0.0).then_some(n as u64)
    }

    /// A string (invalid UTF-8 reads as empty).
    pub fn str(&mut self) -> String {
        let n = self.u32() as usize;
        String::from_utf8(self.take(n).to_vec()).unwrap_or_default()
    }

    /// A string, or none (a flag first).
    pub fn opt_str(&mut self) -> Option<String> {
        self.flag().then(|| self.str())
    }
}

/// Writes for the shell.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// One byte.
    pub fn byte(&mut self, v: u8) {
        self.0.push(v);
    }

    /// A flag.
    pub fn flag(&mut self, v: bool) {
        self.byte(u8::from(v));
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// A little-endian `f64`.
    pub fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// Milliseconds, or none (-1).
    pub fn ms(&mut self, v: Option<u64>) {
        self.f64(v.map_or(-1.0, |n| n as f64));
    }

    /// A string.
    pub fn str(&mut self, v: &str) {
        self.u32(v.len() as u32);
        self.0.extend_from_slice(v.as_bytes());
    }

    /// A string, or none.
    pub fn opt_str(&mut self, v: Option<&str>) {
        self.flag(v.is_some());
        if let Some(v) = v {
            self.str(v);
        }
    }
}
