//! Comparing account keys on the hot paths (every position of every health check), four words
//! at a time.

use anchor_lang::prelude::Pubkey;

/// `a == b`.
#[inline]
pub fn same_key(a: &Pubkey, b: &Pubkey) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    (0..4).all(|i| {
        let word = |k: &[u8]| u64::from_le_bytes(k[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        word(a) == word(b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_exactly_when_every_byte_is() {
        let a = Pubkey::new_unique();
        assert!(same_key(&a, &a.clone()));
        for byte in [0, 7, 8, 31] {
            let mut b = a.to_bytes();
            b[byte] ^= 1;
            assert!(!same_key(&a, &Pubkey::new_from_array(b)), "byte {byte}");
        }
    }
}
