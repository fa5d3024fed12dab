package main

// The node's event log (contract section 6): one JSON object per line on
// stdout, `{seq, ts, type, ...}`, written at once; also kept for
// GET /v1/events?after=<seq>. The harness judges a run by these lines only.
//
// `ready` must be the first event, but the listeners are up (and a peer may
// connect) a moment before it: events before `ready` are held and written
// right after it, with the time they happened.

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Fields are an event's own fields; a nil value leaves the field out (like undefined in the TS node).
type Fields map[string]any

// EventLog numbers, writes and keeps events.
type EventLog struct {
	mu      sync.Mutex
	out     io.Writer
	seq     int64
	kept    []keptEvent
	maxKept int
	onEmit  []func(eventType string)
	ready   bool
	held    []heldEvent
	// hidden: event types this peer's declared visibility leaves out (visibility.go)
	hidden map[string]bool
}

type heldEvent struct {
	ts        int64
	eventType string
	fields    Fields
}

type keptEvent struct {
	seq  int64
	line json.RawMessage
}

// NewEventLog writes to out (stdout in the node).
func NewEventLog(out io.Writer) *EventLog {
	return &EventLog{out: out, maxKept: 500_000}
}

// OnEmit registers a hook called for every event (metrics); register before the first emit.
func (l *EventLog) OnEmit(f func(eventType string)) {
	l.onEmit = append(l.onEmit, f)
}

// Emit writes one event line (or holds it until `ready`).
func (l *EventLog) Emit(eventType string, fields Fields) {
	if l.hidden[eventType] {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now().UnixMilli()
	if !l.ready && eventType != "ready" {
		l.held = append(l.held, heldEvent{ts: now, eventType: eventType, fields: fields})
		return
	}
	l.write(now, eventType, fields)
	if eventType == "ready" && !l.ready {
		l.ready = true
		for _, h := range l.held {
			l.write(h.ts, h.eventType, h.fields)
		}
		l.held = nil
	}
}

func (l *EventLog) write(ts int64, eventType string, fields Fields) {
	l.seq++
	line := encodeEvent(l.seq, ts, eventType, fields)
	l.kept = append(l.kept, keptEvent{seq: l.seq, line: line})
	if len(l.kept) > l.maxKept {
		l.kept = append([]keptEvent(nil), l.kept[len(l.kept)-l.maxKept:]...)
	}
	// A failed stdout write (the harness went away) must not stop the node: exitOnStdinClose handles that.
	_, _ = l.out.Write(append(append([]byte(nil), line...), '\n'))
	for _, f := range l.onEmit {
		f(eventType)
	}
}

// After returns up to limit kept events with seq > after, and the last seq issued.
func (l *EventLog) After(after int64, limit int) ([]json.RawMessage, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := sort.Search(len(l.kept), func(i int) bool { return l.kept[i].seq > after })
	out := make([]json.RawMessage, 0)
	for ; i < len(l.kept) && len(out) < limit; i++ {
		out = append(out, l.kept[i].line)
	}
	return out, l.seq
}

// encodeEvent puts seq, ts and type first (easier to read in a log), then the fields by name.
func encodeEvent(seq, ts int64, eventType string, fields Fields) json.RawMessage {
	buf := []byte(`{"seq":` + strconv.FormatInt(seq, 10) + `,"ts":` + strconv.FormatInt(ts, 10) + `,"type":`)
	typ, _ := json.Marshal(eventType)
	buf = append(buf, typ...)
	names := make([]string, 0, len(fields))
	for k, v := range fields {
		if v != nil && k != "seq" && k != "ts" && k != "type" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		key, _ := json.Marshal(k)
		val, err := json.Marshal(fields[k])
		if err != nil {
			val, _ = json.Marshal(err.Error())
		}
		buf = append(append(append(append(buf, ','), key...), ':'), val...)
	}
	return append(buf, '}')
}
