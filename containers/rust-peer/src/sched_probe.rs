//! How late this process runs its timers (contract section 6, event `sched`;
//! the Go peer's sched_probe.go and the TS node's sched-probe.ts do the same):
//! a tokio timer is re-armed every `TICK`; how late its task gets to run is how
//! long the process (or the runtime's two workers) could not run it. Every
//! `WINDOW` one `sched` event carries the window's worst lateness, when that
//! late tick finally ran, the p99 and the CPU time used, so the history shows
//! when this peer was not being scheduled. /v1/status carries the last window
//! and the numbers since start.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::events::{now_ms, EventLog};
use crate::fields;

const WINDOW: Duration = Duration::from_millis(200);
const TICK: Duration = Duration::from_millis(20);
/// since-start lateness is kept in 1 ms buckets up to this many ms (later ones go into the last bucket)
const BUCKETS: usize = 5000;

/// One `sched` event's fields.
#[derive(Clone, Copy)]
struct Window {
    window_ms: f64,
    max_late_ms: f64,
    p99_late_ms: f64,
    max_late_at: u64,
    cpu_ms: f64,
}

impl Window {
    fn to_json(self) -> Value {
        json!({"windowMs": self.window_ms, "maxLateMs": self.max_late_ms, "p99LateMs": self.p99_late_ms,
               "maxLateAt": self.max_late_at, "cpuMs": self.cpu_ms})
    }
}

/// The lateness of every tick since the probe started, and the last window.
struct Totals {
    last: Option<Window>,
    buckets: Vec<u64>,
    ticks: u64,
    sum_ms: f64,
    max_ms: f64,
    windows: u64,
}

pub struct SchedProbe {
    events: Arc<EventLog>,
    totals: Mutex<Totals>,
}

impl SchedProbe {
    pub fn new(events: Arc<EventLog>) -> Arc<Self> {
        let totals = Totals { last: None, buckets: vec![0; BUCKETS], ticks: 0, sum_ms: 0.0, max_ms: 0.0, windows: 0 };
        Arc::new(SchedProbe { events, totals: Mutex::new(totals) })
    }

    /// Measures until the process exits; spawn it once `ready` was sent.
    pub async fn run(self: Arc<Self>) {
        let mut window_start = Instant::now();
        let mut cpu_start = cpu_time();
        let mut lates: Vec<f64> = Vec::new();
        let (mut worst, mut worst_at) = (0.0f64, now_ms());
        loop {
            // re-armed after each tick (not an interval): a stall is one late tick, not a burst of catch-up ticks
            let due = Instant::now() + TICK;
            tokio::time::sleep_until(due.into()).await;
            let now = Instant::now();
            let late = now.saturating_duration_since(due).as_secs_f64() * 1000.0;
            // this tick counts in the window it ends: the window that ends right after a stall carries it
            lates.push(late);
            if late >= worst {
                (worst, worst_at) = (late, now_ms());
            }
            self.record(late);
            if now.duration_since(window_start) < WINDOW {
                continue;
            }
            let cpu = cpu_time();
            lates.sort_by(f64::total_cmp);
            let w = Window {
                window_ms: round1(now.duration_since(window_start).as_secs_f64() * 1000.0),
                max_late_ms: round1(worst),
                p99_late_ms: round1(lates[(lates.len() * 99 / 100).min(lates.len() - 1)]),
                max_late_at: worst_at,
                cpu_ms: round1(cpu.saturating_sub(cpu_start).as_secs_f64() * 1000.0),
            };
            {
                let mut t = self.totals.lock().expect("sched lock");
                t.last = Some(w);
                t.windows += 1;
            }
            self.events.emit(
                "sched",
                fields! {"windowMs" => w.window_ms, "maxLateMs" => w.max_late_ms, "p99LateMs" => w.p99_late_ms,
                         "maxLateAt" => w.max_late_at, "cpuMs" => w.cpu_ms},
            );
            (window_start, cpu_start, worst) = (now, cpu, 0.0);
            lates.clear();
        }
    }

    fn record(&self, late_ms: f64) {
        let mut t = self.totals.lock().expect("sched lock");
        t.buckets[(late_ms as usize).min(BUCKETS - 1)] += 1;
        t.ticks += 1;
        t.sum_ms += late_ms;
        t.max_ms = t.max_ms.max(late_ms);
    }

    /// The `sched` member of /v1/status.
    pub fn status(&self) -> Value {
        let t = self.totals.lock().expect("sched lock");
        let (mut p99, mut mean) = (0.0, 0.0);
        if t.ticks > 0 {
            mean = round1(t.sum_ms / t.ticks as f64);
            let need = (t.ticks * 99).div_ceil(100);
            let mut seen = 0;
            for (ms, n) in t.buckets.iter().enumerate() {
                seen += n;
                if seen >= need {
                    p99 = ms as f64;
                    break;
                }
            }
        }
        json!({
            "windowMs": WINDOW.as_millis() as u64, "tickMs": TICK.as_millis() as u64,
            "last": t.last.map(Window::to_json),
            "sinceStart": {"maxLateMs": round1(t.max_ms), "p99LateMs": p99, "meanLateMs": mean, "windows": t.windows},
        })
    }
}

/// The user + system CPU time this process has used (getrusage: microseconds, where
/// /proc/self/stat counts 10 ms clock ticks, too coarse for a 200 ms window).
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the rusage struct we pass; zeroed is a valid rusage.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = cpu_time();
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(30) {
            std::hint::black_box(0u64);
        }
        assert!(cpu_time() > before);
    }

    #[test]
    fn since_start_p99_and_mean_come_from_every_tick() {
        let probe = SchedProbe::new(Arc::new(EventLog::new()));
        for _ in 0..99 {
            probe.record(0.4);
        }
        probe.record(700.0);
        let s = probe.status();
        assert_eq!(s["windowMs"], 200);
        assert_eq!(s["tickMs"], 20);
        assert!(s["last"].is_null());
        assert_eq!(s["sinceStart"]["maxLateMs"], 700.0);
        assert_eq!(s["sinceStart"]["p99LateMs"], 0.0);
        assert_eq!(s["sinceStart"]["meanLateMs"], 7.4);
    }
}
