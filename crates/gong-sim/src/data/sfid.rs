//! Salesforce record ids: 15-character case-sensitive ids and their 18-character
//! case-insensitive form (the 15 plus a 3-character checksum of the letter case).

use super::hash::Rng;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// A 15-character id with the given 3-character key prefix (`001` accounts,
/// `003` contacts, `006` opportunities).
pub fn id15(prefix: &str, rng: &mut Rng) -> String {
    let mut id = String::with_capacity(15);
    id.push_str(prefix);
    id.push_str("5g0000");
    while id.len() < 15 {
        id.push(*rng.pick(BASE62) as char);
    }
    id
}

/// The 18-character form of a 15-character id.
pub fn to18(id15: &str) -> String {
    let bytes = id15.as_bytes();
    let mut out = id15.to_string();
    for chunk in bytes.chunks(5).take(3) {
        let flags = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (j, _)| acc | (1 << j));
        out.push(SUFFIX[flags] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_matches_salesforce() {
        // A documented example pair from Salesforce's id conversion.
        assert_eq!(to18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        let mut rng = Rng::new(1, super::super::hash::Stream::Company, 0);
        let id = id15("001", &mut rng);
        assert_eq!(id.len(), 15);
        assert_eq!(to18(&id).len(), 18);
    }
}
