//! Attestation duty wire format (contract section 5), byte for byte the TS node's
//! (containers/ts-node/attestation.ts):
//!
//! ```text
//! topic:   /leanconsensus/<forkDigest>/attestation_<validator % subnets>/ssz_snappy
//! payload: u64le(slot) | u64le(validator) | u64le(publish unix ms) | paddingBytes zero bytes
//! msg id:  the devnet's wire profile (wire_profile.rs)
//! ```

const HEADER_BYTES: usize = 24;

/// The decoded header of one attestation payload.
pub struct Attestation {
    pub slot: u64,
    pub validator: u64,
    pub published_at_ms: u64,
}

pub fn topic(fork_digest: &str, subnet: u64) -> String {
    format!("/leanconsensus/{fork_digest}/attestation_{subnet}/ssz_snappy")
}

/// Every subnet's topic: every node subscribes to all of them.
pub fn all_topics(fork_digest: &str, subnets: u64) -> Vec<String> {
    (0..subnets).map(|s| topic(fork_digest, s)).collect()
}

pub fn encode(a: &Attestation, padding_bytes: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(HEADER_BYTES + padding_bytes);
    buf.extend_from_slice(&a.slot.to_le_bytes());
    buf.extend_from_slice(&a.validator.to_le_bytes());
    buf.extend_from_slice(&a.published_at_ms.to_le_bytes());
    buf.resize(HEADER_BYTES + padding_bytes, 0);
    buf
}

/// The header back; None when the payload is too short.
pub fn decode(data: &[u8]) -> Option<Attestation> {
    if data.len() < HEADER_BYTES {
        return None;
    }
    let u = |i: usize| u64::from_le_bytes(data[i..i + 8].try_into().expect("8 bytes"));
    Some(Attestation { slot: u(0), validator: u(8), published_at_ms: u(16) })
}
