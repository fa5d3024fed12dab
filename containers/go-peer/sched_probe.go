package main

// How late this process runs its timers (contract section 6, event `sched`;
// the TS node's containers/ts-node/sched-probe.ts does the same): a timer is
// re-armed every schedTick; how late its goroutine gets to run is how long
// the process (or the Go scheduler) could not run it. Every schedWindow one
// `sched` event carries the window's worst lateness, when that late tick
// finally ran, the p99 and the CPU time used, so the history shows when this
// peer was not being scheduled. /v1/status carries the last window and the
// numbers since start.

import (
	"context"
	"math"
	"sort"
	"sync"
	"syscall"
	"time"
)

const (
	schedWindow = 200 * time.Millisecond
	schedTick   = 20 * time.Millisecond
	// since-start lateness is kept in 1 ms buckets up to this many ms (later ones go into the last bucket)
	schedBuckets = 5000
)

// SchedWindow is one `sched` event's fields.
type SchedWindow struct {
	WindowMs  float64 `json:"windowMs"`
	MaxLateMs float64 `json:"maxLateMs"`
	P99LateMs float64 `json:"p99LateMs"`
	MaxLateAt int64   `json:"maxLateAt"`
	CPUMs     float64 `json:"cpuMs"`
}

// SchedSinceStart is the lateness of every tick since the probe started.
type SchedSinceStart struct {
	MaxLateMs  float64 `json:"maxLateMs"`
	P99LateMs  float64 `json:"p99LateMs"`
	MeanLateMs float64 `json:"meanLateMs"`
	Windows    int     `json:"windows"`
}

// SchedStatus is the `sched` member of /v1/status.
type SchedStatus struct {
	WindowMs   int64           `json:"windowMs"`
	TickMs     int64           `json:"tickMs"`
	Last       *SchedWindow    `json:"last"`
	SinceStart SchedSinceStart `json:"sinceStart"`
}

// SchedProbe measures timer lateness and reports it as events.
type SchedProbe struct {
	events  *EventLog
	mu      sync.Mutex
	last    *SchedWindow
	buckets [schedBuckets]int64
	ticks   int64
	sumMs   float64
	maxMs   float64
	windows int
}

// NewSchedProbe makes a probe that emits to events once started.
func NewSchedProbe(events *EventLog) *SchedProbe {
	return &SchedProbe{events: events}
}

// Start runs the probe until ctx ends.
func (p *SchedProbe) Start(ctx context.Context) {
	go p.run(ctx)
}

func (p *SchedProbe) run(ctx context.Context) {
	windowStart := time.Now()
	cpuStart := cpuTime()
	var lates []float64
	worst, worstAt := 0.0, time.Now()
	due := time.Now().Add(schedTick)
	timer := time.NewTimer(schedTick)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		now := time.Now()
		late := math.Max(0, float64(now.Sub(due))/float64(time.Millisecond))
		lates = append(lates, late)
		if late >= worst {
			worst, worstAt = late, now
		}
		p.record(late)
		if now.Sub(windowStart) >= schedWindow {
			cpu := cpuTime()
			sort.Float64s(lates)
			w := SchedWindow{
				WindowMs:  round1(float64(now.Sub(windowStart)) / float64(time.Millisecond)),
				MaxLateMs: round1(worst),
				P99LateMs: round1(lates[min(len(lates)-1, int(float64(len(lates))*0.99))]),
				MaxLateAt: worstAt.UnixMilli(),
				CPUMs:     round1(float64(cpu-cpuStart) / float64(time.Millisecond)),
			}
			p.mu.Lock()
			p.last = &w
			p.windows++
			p.mu.Unlock()
			p.events.Emit("sched", Fields{
				"windowMs": w.WindowMs, "maxLateMs": w.MaxLateMs, "p99LateMs": w.P99LateMs, "maxLateAt": w.MaxLateAt, "cpuMs": w.CPUMs,
			})
			windowStart, cpuStart, lates, worst = now, cpu, lates[:0], 0
		}
		due = time.Now().Add(schedTick)
		timer.Reset(schedTick)
	}
}

func (p *SchedProbe) record(lateMs float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buckets[min(schedBuckets-1, int(lateMs))]++
	p.ticks++
	p.sumMs += lateMs
	p.maxMs = math.Max(p.maxMs, lateMs)
}

// Status is the probe's /v1/status view.
func (p *SchedProbe) Status() SchedStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := SchedStatus{WindowMs: schedWindow.Milliseconds(), TickMs: schedTick.Milliseconds(), Last: p.last}
	s.SinceStart.Windows = p.windows
	if p.ticks == 0 {
		return s
	}
	s.SinceStart.MaxLateMs = round1(p.maxMs)
	s.SinceStart.MeanLateMs = round1(p.sumMs / float64(p.ticks))
	need := int64(math.Ceil(float64(p.ticks) * 0.99))
	var seen int64
	for ms, n := range p.buckets {
		seen += n
		if seen >= need {
			s.SinceStart.P99LateMs = float64(ms)
			break
		}
	}
	return s
}

// cpuTime is the user + system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func round1(v float64) float64 {
	return math.Round(v*10) / 10
}
