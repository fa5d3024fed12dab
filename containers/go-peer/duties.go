package main

// Attestation duties: at the start of every slot each of this node's
// validators publishes one attestation on its subnet topic (contract section 5).
// Received attestations are reported by the gossip tracer; coverage is the
// harness's business, the node only reports facts.

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// publishWait bounds how long a publish waits for pubsub's event loop to take the message.
const publishWait = 2 * time.Second

// fanoutSettle: a message on a topic we do not subscribe to (sparse subnets: fanout) never comes back
// to us, so there is no local delivery to wait for; its recipients are those seen this long after it.
const fanoutSettle = 20 * time.Millisecond

// Duties schedules and performs publishes.
type Duties struct {
	ps     *pubsub.PubSub
	topics map[string]*pubsub.Topic
	tracer *GossipTracer
	events *EventLog

	index uint64

	mu         sync.Mutex
	subscribed map[string]bool
	duties     DutiesConfig
	timer      *time.Timer
	nextSlot   int64
	stopped    bool

	// subscribe at SubscribeAtMs after genesis: scheduled by SetGenesis until it has happened
	subscribeAt func()
	subTimer    *time.Timer
	subDone     bool
}

// StartDuties joins and subscribes every subnet topic, then schedules publishing from genesis.
func StartDuties(ctx context.Context, ps *pubsub.PubSub, self peer.ID, index int, d DutiesConfig, tracer *GossipTracer, events *EventLog) (*Duties, error) {
	du := &Duties{ps: ps, topics: map[string]*pubsub.Topic{}, subscribed: map[string]bool{}, tracer: tracer, events: events, duties: d, index: uint64(index)}
	// Join at once (publishing works through fanout before we subscribe); subscribe now or,
	// with subscribeDelayMs, later, so a peer's SUBSCRIBE can arrive before our own.
	for _, name := range append(AllTopics(d), blockTopics(d)...) {
		topic, err := ps.Join(name)
		if err != nil {
			return nil, fmt.Errorf("join %s: %w", name, err)
		}
		du.topics[name] = topic
	}
	if d.SubscribeAtMs != nil {
		du.subscribeAt = func() {
			if err := du.subscribeAll(ctx, self, SubscribedTopics(d)); err != nil {
				events.Emit("error", Fields{"message": err.Error()})
			}
		}
	} else if d.SubscribeDelayMs > 0 {
		go func() {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(d.SubscribeDelayMs) * time.Millisecond):
			}
			if err := du.subscribeAll(ctx, self, SubscribedTopics(d)); err != nil {
				events.Emit("error", Fields{"message": err.Error()})
			}
		}()
	} else if err := du.subscribeAll(ctx, self, SubscribedTopics(d)); err != nil {
		return nil, err
	}
	du.SetGenesis(d.GenesisMs)
	return du, nil
}

// subscribeAll subscribes every joined topic. Arrivals from others are reported by the
// tracer; our own messages coming back here tell a waiting Publish that pubsub is forwarding them.
func (du *Duties) subscribeAll(ctx context.Context, self peer.ID, names []string) error {
	for _, name := range names {
		sub, err := du.topics[name].Subscribe()
		if err != nil {
			return fmt.Errorf("subscribe %s: %w", name, err)
		}
		du.mu.Lock()
		du.subscribed[name] = true
		du.mu.Unlock()
		go func() {
			for {
				msg, err := sub.Next(ctx)
				if err != nil {
					return
				}
				if msg.ReceivedFrom == self {
					du.tracer.LocalDelivered(msg.ID)
				}
			}
		}()
	}
	return nil
}

// SetGenesis (re)schedules publishing from this genesis: the next slot to start from now on.
func (d *Duties) SetGenesis(genesisMs int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
	}
	d.duties.GenesisMs = genesisMs
	elapsed := time.Now().UnixMilli() - genesisMs
	d.nextSlot = 0
	if elapsed > 0 {
		d.nextSlot = (elapsed + d.duties.SlotMs - 1) / d.duties.SlotMs
	}
	d.scheduleLocked()
	if d.subscribeAt != nil && !d.subDone {
		if d.subTimer != nil {
			d.subTimer.Stop()
		}
		wait := time.Duration(max(0, genesisMs+*d.duties.SubscribeAtMs-time.Now().UnixMilli())) * time.Millisecond
		d.subTimer = time.AfterFunc(wait, func() {
			d.mu.Lock()
			if d.subDone || d.stopped {
				d.mu.Unlock()
				return
			}
			d.subDone = true
			d.mu.Unlock()
			d.subscribeAt()
		})
	}
}

// Stop ends publishing.
func (d *Duties) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.subTimer != nil {
		d.subTimer.Stop()
	}
}

func (d *Duties) scheduleLocked() {
	if d.stopped || (d.duties.Slots != nil && d.nextSlot >= *d.duties.Slots) {
		return
	}
	at := d.duties.GenesisMs + d.nextSlot*d.duties.SlotMs
	delay := max(0, time.Duration(at-time.Now().UnixMilli())*time.Millisecond)
	d.timer = time.AfterFunc(delay, func() {
		d.mu.Lock()
		if d.stopped {
			d.mu.Unlock()
			return
		}
		slot := d.nextSlot
		d.nextSlot++
		validators := append([]int(nil), d.duties.Validators...)
		propose := Proposes(d.duties.Blocks, slot)
		d.scheduleLocked()
		d.mu.Unlock()
		if propose {
			go d.PublishBlock(uint64(slot))
		}
		for _, v := range validators {
			go d.Publish(uint64(slot), uint64(v))
		}
	})
}

// Publish sends one attestation now and emits msg_published; it returns that event's fields.
func (d *Duties) Publish(slot, validator uint64) Fields {
	d.mu.Lock()
	cfg := d.duties
	d.mu.Unlock()
	name := AttestationTopic(cfg.ForkDigest, int(validator%uint64(cfg.Subnets)))
	data := EncodeAttestation(Attestation{Slot: slot, Validator: validator, PublishedAtMs: uint64(time.Now().UnixMilli())}, cfg.PaddingBytes)
	fields := d.publish(name, data)
	fields["slot"], fields["validator"] = slot, validator
	d.events.Emit("msg_published", fields)
	return fields
}

// PublishBlock proposes this node's block for slot now and emits block_published.
func (d *Duties) PublishBlock(slot uint64) {
	d.mu.Lock()
	cfg := d.duties
	d.mu.Unlock()
	name := BlockTopic(cfg.ForkDigest)
	data := EncodeBlock(Block{Slot: slot, Proposer: d.index, PublishedAtMs: uint64(time.Now().UnixMilli())}, cfg.Blocks.Bytes)
	fields := d.publish(name, data)
	fields["slot"], fields["proposer"], fields["bytes"] = slot, d.index, len(data)
	d.events.Emit("block_published", fields)
}

// publish sends data on a joined topic; the fields topic, msgId, recipients and publishError.
func (d *Duties) publish(name string, data []byte) Fields {
	id := string(d.tracer.messageID(name, data))
	pending := d.tracer.ExpectPublish(id)
	ctx, cancel := context.WithTimeout(context.Background(), publishWait)
	defer cancel()
	d.mu.Lock()
	subscribed := d.subscribed[name]
	d.mu.Unlock()
	err := d.topics[name].Publish(ctx, data)
	if err == nil && !subscribed {
		time.Sleep(fanoutSettle)
		d.ps.ListPeers("")
	} else if err == nil {
		select {
		case <-pending.delivered:
			// The event loop is inside publishMessage for our message (it reached our
			// subscription just before the router forwards it); any request to the loop is
			// served after that, so once ListPeers answers, every SendRPC for it has been seen.
			d.ps.ListPeers("")
		case <-ctx.Done():
		}
	}
	fields := Fields{"topic": name, "msgId": hex.EncodeToString([]byte(id)), "recipients": d.tracer.FinishPublish(id)}
	if err != nil {
		fields["publishError"] = err.Error()
	}
	return fields
}
