//! Wire profiles: the gossip message-id function a devnet uses (containers/CONTRACT.md,
//! "Wire profiles"; vectors every implementation checks: containers/wire-vectors.json).
//!
//! ```text
//! lean        sha256(u64le(len(topic)) | topic | data)[0:20]
//! zig-libp2p  sha256(domain | u32be(len(topic)) | topic | data)[0:20]
//!             domain 01000000 when data decompresses as one snappy block, else 00000000
//!             (the consensus spec's MESSAGE_DOMAIN_VALID_SNAPPY / _INVALID_SNAPPY); the hash
//!             covers the data as sent, not its decompressed form, as zig-libp2p computes it.
//! ```

use sha2::{Digest, Sha256};

pub const LEAN: &str = "lean";
pub const ZIG_LIBP2P: &str = "zig-libp2p";

const DOMAIN_VALID_SNAPPY: [u8; 4] = [1, 0, 0, 0];
const DOMAIN_INVALID_SNAPPY: [u8; 4] = [0, 0, 0, 0];

/// A message id function: 20 raw bytes (events show them as hex).
pub type MessageIdFn = fn(&str, &[u8]) -> Vec<u8>;

/// The id function of a wire profile (the schema has checked the name).
pub fn message_id_fn(profile: &str) -> MessageIdFn {
    if profile == ZIG_LIBP2P { zig_libp2p_id } else { lean_id }
}

/// snap's raw decoder is strict (the decoded length must equal the declared one), as golang/snappy is.
pub fn decompresses_as_snappy(data: &[u8]) -> bool {
    snap::raw::Decoder::new().decompress_vec(data).is_ok()
}

fn lean_id(topic: &str, data: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update((topic.len() as u64).to_le_bytes());
    h.update(topic.as_bytes());
    h.update(data);
    h.finalize()[..20].to_vec()
}

fn zig_libp2p_id(topic: &str, data: &[u8]) -> Vec<u8> {
    let domain = if decompresses_as_snappy(data) { DOMAIN_VALID_SNAPPY } else { DOMAIN_INVALID_SNAPPY };
    let mut h = Sha256::new();
    h.update(domain);
    h.update((topic.len() as u32).to_be_bytes());
    h.update(topic.as_bytes());
    h.update(data);
    h.finalize()[..20].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The shared vectors (containers/wire-vectors.json): the same ids in every implementation.
    #[test]
    fn wire_vectors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../wire-vectors.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read wire-vectors.json")).expect("json");
        let vectors = doc["vectors"].as_array().expect("vectors");
        assert!(!vectors.is_empty(), "containers/wire-vectors.json holds no vectors");
        for v in vectors {
            let note = v["note"].as_str().unwrap_or("?");
            let topic = v["topic"].as_str().expect("topic");
            let data = hex::decode(v["data"].as_str().expect("data")).expect("hex data");
            assert_eq!(decompresses_as_snappy(&data), v["snappyValid"].as_bool().expect("snappyValid"), "{note}: snappy validity");
            for profile in [LEAN, ZIG_LIBP2P] {
                let want = v["ids"][profile].as_str().unwrap_or_else(|| panic!("{note}: no id for {profile}"));
                assert_eq!(hex::encode(message_id_fn(profile)(topic, &data)), want, "{note}: {profile} id");
            }
        }
    }
}
