//! A stable 64-bit fingerprint: FNV-1a over a canonical, length-prefixed encoding.
//!
//! Fingerprints are stored and compared across runs and releases, so they cannot use
//! `std`'s `DefaultHasher` (its algorithm may change between Rust releases) nor derived
//! `Hash` impls (their byte stream is not a documented format, and `usize` differs
//! between platforms). Every value is written explicitly: integers as 8 little-endian
//! bytes, strings as their length then their UTF-8 bytes, optional values behind a
//! presence byte — so `("ab", "c")` and `("a", "bc")` never collide by construction.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// An FNV-1a 64 accumulator with canonical writers.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(OFFSET_BASIS)
    }
}

impl Fingerprint {
    /// A fresh fingerprint.
    pub fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Feeds raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self
    }

    /// Feeds an integer as 8 little-endian bytes.
    pub fn int(&mut self, value: i64) -> &mut Self {
        self.bytes(&value.to_le_bytes())
    }

    /// Feeds a length or count.
    pub fn count(&mut self, value: usize) -> &mut Self {
        self.int(i64::try_from(value).unwrap_or(i64::MAX))
    }

    /// Feeds a string, length first.
    pub fn str(&mut self, value: &str) -> &mut Self {
        self.count(value.len()).bytes(value.as_bytes())
    }

    /// Feeds an optional string behind a presence byte.
    pub fn opt_str(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.bytes(&[1]).str(v),
            None => self.bytes(&[0]),
        }
    }

    /// Feeds an optional integer behind a presence byte.
    pub fn opt_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.bytes(&[1]).int(v),
            None => self.bytes(&[0]),
        }
    }

    /// The fingerprint so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(Fingerprint::new().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(
            Fingerprint::new().bytes(b"a").finish(),
            0xaf63_dc4c_8601_ec8c
        );
        assert_eq!(
            Fingerprint::new().bytes(b"foobar").finish(),
            0x8594_4171_f739_67e8
        );
    }

    #[test]
    fn strings_are_length_prefixed() {
        let ab_c = Fingerprint::new().str("ab").str("c").finish();
        let a_bc = Fingerprint::new().str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
        let none = Fingerprint::new().opt_str(None).finish();
        let empty = Fingerprint::new().opt_str(Some("")).finish();
        assert_ne!(none, empty);
    }
}
