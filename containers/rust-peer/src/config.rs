//! The node config (contract section 2): validated against the schema shipped
//! with meshflap (a byte-identical copy is embedded here; a test keeps it in
//! sync with containers/node-config.schema.json), then decoded over the
//! schema's defaults, then checked for what rust-libp2p's gossipsub cannot run.

use serde::Deserialize;
use serde_json::Value;

const SCHEMA: &str = include_str!("../node-config.schema.json");

/// The only gossip policy this peer has: rust-libp2p gossipsub as shipped.
pub const POLICY_STOCK: &str = "stock";

/// A config the node refuses (exit code 2); the message names the file and the field.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerEntry {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "peerId")]
    pub peer_id: String,
    pub addr: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Redial {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "d100")]
    pub min_ms: u64,
    #[serde(default = "d5000")]
    pub max_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Quic {
    #[serde(default = "d10000")]
    pub max_idle_timeout_ms: u64,
    #[serde(default = "d5000")]
    pub keep_alive_interval_ms: u64,
    #[serde(default = "d5000")]
    pub handshake_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct Gossip {
    #[serde(default = "d8")]
    pub D: usize,
    #[serde(default = "d6")]
    pub Dlo: usize,
    #[serde(default = "d12")]
    pub Dhi: usize,
    #[serde(default = "d6")]
    pub Dlazy: usize,
    #[serde(default = "d700", rename = "heartbeatMs")]
    pub heartbeat_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Duties {
    pub genesis_ms: u64,
    pub slot_ms: u64,
    #[serde(default)]
    pub slots: Option<u64>,
    #[serde(default)]
    pub validators: Vec<u64>,
    #[serde(default = "d4")]
    pub subnets: u64,
    #[serde(default = "fork_digest")]
    pub fork_digest: String,
    #[serde(default = "d64")]
    pub padding_bytes: usize,
    /// subscribe this many ms after start instead of at once (absent or 0: at once)
    #[serde(default)]
    pub subscribe_delay_ms: u64,
    /// subscribe this many ms after genesis, before it when negative (absent: see subscribe_delay_ms; wins over it)
    #[serde(default)]
    pub subscribe_at_ms: Option<i64>,
    /// the attestation subnets to subscribe to (absent: all of them)
    #[serde(default)]
    pub subscribe_subnets: Option<Vec<u64>>,
    /// the proposer duty and the block topic (absent: no block topic)
    #[serde(default)]
    pub blocks: Option<BlockDuty>,
}

/// Subscribe to the block topic; propose a block of `bytes` bytes in each slot s with s % every == offset (no every: never).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDuty {
    pub bytes: usize,
    #[serde(default)]
    pub every: Option<u64>,
    #[serde(default)]
    pub offset: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    #[serde(default = "localhost")]
    pub host: String,
    #[serde(default)]
    pub port: u16,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    pub name: String,
    pub index: u64,
    /// The seed as the identity derivation spells it (see `seed_text`).
    pub seed: Value,
    /// informational (which implementation the config is for); the peer runs as what it is
    #[serde(default)]
    #[allow(dead_code)]
    pub r#impl: Option<String>,
    #[serde(default = "default_control")]
    pub control: Control,
    pub listen: Vec<String>,
    #[serde(default)]
    pub peers: Vec<PeerEntry>,
    #[serde(default = "stock")]
    pub gossip_policy: String,
    /// the devnet's wire profile (message-id function); the schema has checked the name
    #[serde(default = "lean")]
    pub wire: String,
    #[serde(default = "default_redial")]
    pub redial: Redial,
    #[serde(default = "default_quic")]
    pub quic: Quic,
    #[serde(default = "default_gossip")]
    pub gossip: Gossip,
    pub duties: Duties,
    #[serde(default)]
    pub exit_on_stdin_close: bool,
}

fn yes() -> bool { true }
fn d4() -> u64 { 4 }
fn d6() -> usize { 6 }
fn d8() -> usize { 8 }
fn d12() -> usize { 12 }
fn d64() -> usize { 64 }
fn d100() -> u64 { 100 }
fn d700() -> u64 { 700 }
fn d5000() -> u64 { 5000 }
fn d10000() -> u64 { 10000 }
fn fork_digest() -> String { "12345678".into() }
fn localhost() -> String { "127.0.0.1".into() }
// An absent gossipPolicy means this peer's only one (the schema's default names the TS node's).
fn stock() -> String { POLICY_STOCK.into() }
fn lean() -> String { crate::wire_profile::LEAN.into() }
fn default_control() -> Control { Control { host: localhost(), port: 0 } }
fn default_redial() -> Redial { Redial { enabled: true, min_ms: 100, max_ms: 5000 } }
fn default_quic() -> Quic { Quic { max_idle_timeout_ms: 10000, keep_alive_interval_ms: 5000, handshake_timeout_ms: 5000 } }
fn default_gossip() -> Gossip { Gossip { D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, heartbeat_ms: 700 } }

impl Config {
    /// The seed as text: an integer in decimal, or a string as given (contract section 3).
    pub fn seed_text(&self) -> String {
        match &self.seed {
            Value::String(s) => s.clone(),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => u.to_string(),
                (_, Some(i), _) => i.to_string(),
                (_, _, Some(f)) => format!("{f:.0}"),
                _ => n.to_string(),
            },
            other => other.to_string(),
        }
    }
}

/// Reads, validates and decodes the config file.
pub fn load(file: &str) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|e| ConfigError(format!("{file}: cannot read config: {e}")))?;
    parse(&text, file)
}

/// Validates the JSON text against the schema and applies the defaults.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let instance: Value = serde_json::from_str(text).map_err(|e| ConfigError(format!("{file}: not valid JSON: {e}")))?;
    let schema: Value = serde_json::from_str(SCHEMA).expect("the embedded config schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the embedded config schema compiles");
    let mut lines: Vec<String> = validator.iter_errors(&instance).map(|e| format!("{file}: field {}", describe(&e))).collect();
    if !lines.is_empty() {
        lines.sort();
        lines.dedup();
        return Err(ConfigError(lines.join("\n")));
    }
    let cfg: Config = serde_json::from_value(instance).map_err(|e| ConfigError(format!("{file}: {e}")))?;
    check_rust_limits(&cfg, file)?;
    Ok(cfg)
}

/// Refuses what the schema allows but this peer cannot run.
fn check_rust_limits(cfg: &Config, file: &str) -> Result<(), ConfigError> {
    let d = &cfg.duties;
    if let Some(s) = d.subscribe_subnets.iter().flatten().find(|s| **s >= d.subnets) {
        return Err(ConfigError(format!("{file}: field /duties/subscribeSubnets: subnet {s} is not below subnets ({})", d.subnets)));
    }
    if let Some(b) = d.blocks.as_ref().filter(|b| b.every.is_some_and(|e| b.offset >= e)) {
        return Err(ConfigError(format!("{file}: field /duties/blocks/offset: must be below every ({})", b.every.unwrap_or(0))));
    }
    if cfg.gossip_policy != POLICY_STOCK {
        return Err(ConfigError(format!(
            "{file}: field /gossipPolicy: {:?} is not supported by the Rust peer, which runs stock rust-libp2p gossipsub only (use \"stock\")",
            cfg.gossip_policy
        )));
    }
    let g = &cfg.gossip;
    if !(g.Dlo <= g.D && g.D <= g.Dhi) {
        return Err(ConfigError(format!(
            "{file}: field /gossip: rust-libp2p gossipsub needs Dlo <= D <= Dhi, got Dlo={} D={} Dhi={}",
            g.Dlo, g.D, g.Dhi
        )));
    }
    Ok(())
}

fn pointer(path: &str) -> String {
    if path.is_empty() { "(top level)".into() } else { path.into() }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One line per schema error, naming the field (the Go peer's wording, so tests read both alike).
fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let at = e.instance_path().as_str().to_string();
    match e.kind() {
        K::Required { property } => {
            let name = property.as_str().map(str::to_string).unwrap_or_else(|| property.to_string());
            format!("{}: required field is missing", pointer(&format!("{at}/{name}")))
        }
        K::AdditionalProperties { unexpected } => {
            let names = unexpected.join(", ");
            format!("{}: unknown field {:?}", pointer(&format!("{at}/{}", unexpected.join(","))), names)
        }
        K::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
            };
            format!("{}: must be {want}, got {}", pointer(&at), json_type(e.instance()))
        }
        K::Enum { options } => format!("{}: must be one of {}", pointer(&at), options),
        K::Pattern { pattern } => format!("{}: must match pattern {pattern}, got {}", pointer(&at), e.instance()),
        _ => format!("{}: {}", pointer(&at), e.masked()),
    }
}

/// A leg address as the schema spells it: /ip4|ip6/<host>/udp/<port>/quic-v1 or .../tcp/<port>.
pub fn is_leg_addr(s: &str) -> bool {
    use libp2p::multiaddr::Protocol as P;
    let Ok(a) = s.parse::<libp2p::Multiaddr>() else { return false };
    let parts: Vec<P> = a.iter().collect();
    matches!(parts.as_slice(), [P::Ip4(_) | P::Ip6(_), P::Udp(_), P::QuicV1] | [P::Ip4(_) | P::Ip6(_), P::Tcp(_)])
}
