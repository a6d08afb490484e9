//! FNV-1a (64-bit): a hash that does not change between Rust versions, unlike `DefaultHasher`.
//! Orca derives from names the ids a reader must see the same in every run (container ids,
//! event ids, digests, hook ids, uids) instead of drawing them from the seeded streams, so that
//! reading never shifts what a run draws.

/// The offset basis, for a hash chained from the start ([`fnv1a_from`]).
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a of `bytes`.
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    fnv1a_from(FNV_OFFSET, bytes)
}

/// FNV-1a of `bytes` from the state `h` (a hash chained from an earlier one).
pub fn fnv1a_from(h: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes
        .into_iter()
        .fold(h, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// FNV-1a of a text.
pub fn fnv(text: &str) -> u64 {
    fnv1a(text.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_fnv1a_test_vectors() {
        // FNV-1a 64-bit test vectors (Fowler, Noll and Vo, "FNV hash" reference tests).
        assert_eq!(fnv(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv("foobar"), 0x8594_4171_f739_67e8);
    }
}
