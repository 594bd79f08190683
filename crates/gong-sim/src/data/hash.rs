//! Deterministic randomness: a splitmix64 mixer and a tiny stream generator.
//!
//! Every generated value is a pure function of `(seed, stream, index)`, so call `i`
//! can be produced without producing calls `0..i` first, and the same seed gives
//! the same data on every machine and every `rand` version.

/// The splitmix64 finaliser: a fast, well-distributed 64-bit mix.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a byte string (FNV-1a folded through [`mix`]); used for cursor and media
/// signatures and for deriving ids from scenario names.
pub fn hash_bytes(key: u64, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ key;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// Named streams keep unrelated features independent of each other.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// Per-call features.
    Call = 1,
    /// Per-call start-time jitter.
    Start = 2,
    /// Call ids.
    CallId = 3,
    /// Call owners.
    Owner = 4,
    /// Gong users.
    User = 5,
    /// Companies and their contacts.
    Company = 6,
    /// Fault injection draws.
    Fault = 7,
    /// When a call made while running ended, relative to when it appeared.
    Arrival = 8,
    /// Webhook fault draws (drop, duplicate, delay, tamper), per call.
    Webhook = 9,
    /// AI content, interaction statistics and transcripts, per call id.
    Content = 10,
}

/// A small deterministic generator seeded from `(seed, stream, index)`.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one item of one stream.
    pub fn new(seed: u64, stream: Stream, index: u64) -> Rng {
        Rng(mix(seed ^ mix(stream as u64 ^ mix(index))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A value in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A single draw for `(seed, stream, index)` without keeping a generator.
pub fn draw(seed: u64, stream: Stream, index: u64) -> u64 {
    Rng::new(seed, stream, index).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_inputs_give_the_same_draws() {
        let a: Vec<u64> = (0..5).map(|i| draw(42, Stream::Call, i)).collect();
        let b: Vec<u64> = (0..5).map(|i| draw(42, Stream::Call, i)).collect();
        assert_eq!(a, b);
        assert_ne!(draw(42, Stream::Call, 0), draw(43, Stream::Call, 0));
        assert_ne!(draw(42, Stream::Call, 0), draw(42, Stream::Start, 0));
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::new(1, Stream::Call, 9);
        assert!((0..1000).all(|_| rng.below(7) < 7));
        assert_eq!(rng.below(0), 0);
        assert!((0..1000).all(|_| (3..=5).contains(&rng.range(3, 5))));
    }
}
