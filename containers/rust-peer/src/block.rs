//! Block wire format (contract section 5, "Blocks"), byte for byte the TS node's
//! (containers/ts-node/block.ts):
//!
//! ```text
//! topic:   /leanconsensus/<forkDigest>/block/ssz_snappy
//! payload: u64le(slot) | u64le(proposer config index) | u64le(publish unix ms) | zeros up to `bytes`
//! msg id:  as attestations (attestation::message_id)
//! ```

use crate::config::BlockDuty;

const HEADER_BYTES: usize = 24;

/// The decoded header of one block payload.
pub struct Block {
    pub slot: u64,
    pub proposer: u64,
    pub published_at_ms: u64,
}

pub fn topic(fork_digest: &str) -> String {
    format!("/leanconsensus/{fork_digest}/block/ssz_snappy")
}

/// Whether this node proposes in `slot` (the harness gives each proposer its own offset).
pub fn proposes(duty: Option<&BlockDuty>, slot: u64) -> bool {
    duty.is_some_and(|b| b.every.is_some_and(|e| slot % e == b.offset))
}

pub fn encode(b: &Block, bytes: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(bytes.max(HEADER_BYTES));
    buf.extend_from_slice(&b.slot.to_le_bytes());
    buf.extend_from_slice(&b.proposer.to_le_bytes());
    buf.extend_from_slice(&b.published_at_ms.to_le_bytes());
    buf.resize(bytes.max(HEADER_BYTES), 0);
    buf
}

/// The header back; None when the payload is too short.
pub fn decode(data: &[u8]) -> Option<Block> {
    if data.len() < HEADER_BYTES {
        return None;
    }
    let u = |i: usize| u64::from_le_bytes(data[i..i + 8].try_into().expect("8 bytes"));
    Some(Block { slot: u(0), proposer: u(8), published_at_ms: u(16) })
}
