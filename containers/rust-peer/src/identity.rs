//! Deterministic node identity (contract section 3), the same derivation as
//! containers/ts-node/identity.ts and containers/go-peer/identity.go:
//!
//! ```text
//! key = sha256(utf8("meshflap-identity:" + seed + ":" + index))
//! while key == 0 or key >= n (secp256k1 order): key = sha256(key)
//! ```

use libp2p::identity::{secp256k1, Keypair};
use sha2::{Digest, Sha256};

/// The secp256k1 group order n, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// The 32-byte secp256k1 private scalar for (seed, index).
pub fn identity_secret(seed: &str, index: u64) -> [u8; 32] {
    let mut key: [u8; 32] = Sha256::digest(format!("meshflap-identity:{seed}:{index}").as_bytes()).into();
    // Big-endian byte arrays of equal length compare like the numbers they spell.
    while key == [0u8; 32] || key >= ORDER {
        key = Sha256::digest(key).into();
    }
    key
}

/// The libp2p key pair for (seed, index); its peer id starts with 16Uiu2.
pub fn identity_keypair(seed: &str, index: u64) -> Keypair {
    let mut secret = identity_secret(seed, index);
    let sk = secp256k1::SecretKey::try_from_bytes(&mut secret).expect("a scalar in 1..n-1 is a valid secp256k1 key");
    Keypair::from(secp256k1::Keypair::from(sk))
}
