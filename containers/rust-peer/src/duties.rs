//! Attestation duties: at the start of every slot each of this node's
//! validators publishes one attestation on its subnet topic (contract section 5).
//! POST /v1/duties moves genesis; the schedule follows at once.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::config::Duties;
use crate::events::now_ms;
use crate::node::Command;

/// The first slot that starts at or after `now` for this genesis.
fn next_slot(genesis_ms: u64, slot_ms: u64, now: u64) -> u64 {
    if now <= genesis_ms {
        0
    } else {
        (now - genesis_ms).div_ceil(slot_ms)
    }
}

/// Runs until the command channel closes; `genesis` re-schedules when it changes.
pub async fn run(d: Duties, mut genesis: watch::Receiver<u64>, tx: mpsc::UnboundedSender<Command>) {
    loop {
        let g = *genesis.borrow_and_update();
        let mut slot = next_slot(g, d.slot_ms, now_ms());
        loop {
            if d.slots.is_some_and(|n| slot >= n) {
                // nothing left to publish until genesis moves
                if genesis.changed().await.is_err() {
                    return;
                }
                break;
            }
            let at = g + slot * d.slot_ms;
            let wait = Duration::from_millis(at.saturating_sub(now_ms()));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = genesis.changed() => { if changed.is_err() { return } ; break }
            }
            if crate::block::proposes(d.blocks.as_ref(), slot) && tx.send(Command::PublishBlock { slot }).is_err() {
                return;
            }
            for &v in &d.validators {
                if tx.send(Command::Publish { slot, validator: v, reply: None }).is_err() {
                    return;
                }
            }
            slot += 1;
        }
    }
}

/// Subscribes `at_ms` after genesis (duties.subscribeAtMs; negative: before it), once; a genesis move
/// before then re-times it. A subscribe already due when genesis is set happens at once.
pub async fn subscribe_at(at_ms: i64, mut genesis: watch::Receiver<u64>, tx: mpsc::UnboundedSender<Command>) {
    loop {
        let due = (*genesis.borrow_and_update() as i64).saturating_add(at_ms).max(0) as u64;
        let wait = Duration::from_millis(due.saturating_sub(now_ms()));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {
                let _ = tx.send(Command::Subscribe);
                return;
            }
            changed = genesis.changed() => if changed.is_err() { return },
        }
    }
}
