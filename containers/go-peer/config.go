package main

// The node config (contract section 2): validated against the schema shipped
// with meshflap (a byte-identical copy is embedded here, a test keeps it in
// sync with containers/node-config.schema.json), then decoded over the
// schema's defaults.

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed node-config.schema.json
var schemaJSON []byte

const schemaURL = "https://meshflap.dev/schema/node-config.json"

// PolicyStock is the only gossip policy this peer has: go-libp2p-pubsub as shipped.
const PolicyStock = "stock"

// PeerEntry is one peer to dial: our own outbound leg goes to exactly Addr.
type PeerEntry struct {
	Name   string `json:"name,omitempty"`
	PeerID string `json:"peerId"`
	Addr   string `json:"addr"`
}

// RedialConfig is the backoff for redialing our outbound leg to a configured peer.
type RedialConfig struct {
	Enabled bool `json:"enabled"`
	MinMs   int  `json:"minMs"`
	MaxMs   int  `json:"maxMs"`
}

// QuicConfig is applied to every QUIC leg, dialed or accepted.
type QuicConfig struct {
	MaxIdleTimeoutMs    int `json:"maxIdleTimeoutMs"`
	KeepAliveIntervalMs int `json:"keepAliveIntervalMs"`
	HandshakeTimeoutMs  int `json:"handshakeTimeoutMs"`
}

// GossipConfig holds the gossipsub mesh degrees and heartbeat.
type GossipConfig struct {
	D           int `json:"D"`
	Dlo         int `json:"Dlo"`
	Dhi         int `json:"Dhi"`
	Dlazy       int `json:"Dlazy"`
	HeartbeatMs int `json:"heartbeatMs"`
}

// DutiesConfig says which validators publish an attestation every slot, and on which topics.
type DutiesConfig struct {
	GenesisMs    int64  `json:"genesisMs"`
	SlotMs       int64  `json:"slotMs"`
	Slots        *int64 `json:"slots,omitempty"`
	Validators   []int  `json:"validators"`
	Subnets      int    `json:"subnets"`
	ForkDigest   string `json:"forkDigest"`
	PaddingBytes int    `json:"paddingBytes"`
	// SubscribeDelayMs: subscribe this long after start (0: at once), so a peer's SUBSCRIBE can come first.
	SubscribeDelayMs int64 `json:"subscribeDelayMs,omitempty"`
	// SubscribeAtMs: subscribe this long after genesis (nil: see SubscribeDelayMs); wins over SubscribeDelayMs.
	SubscribeAtMs *int64 `json:"subscribeAtMs,omitempty"`
	// SubscribeSubnets: the attestation subnets to subscribe to (nil: all of them).
	SubscribeSubnets []int `json:"subscribeSubnets,omitempty"`
	// Blocks: the proposer duty and the block topic (nil: no block topic).
	Blocks *BlockDuty `json:"blocks,omitempty"`
}

// BlockDuty: subscribe to the block topic; propose a block of Bytes bytes in each slot s with s % Every == Offset (no Every: never).
type BlockDuty struct {
	Bytes  int    `json:"bytes"`
	Every  *int64 `json:"every,omitempty"`
	Offset int64  `json:"offset"`
}

// ControlConfig is where the control API listens.
type ControlConfig struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// Config is one node's config file, with the schema's defaults applied.
type Config struct {
	Name             string        `json:"name"`
	Index            int           `json:"index"`
	Seed             Seed          `json:"seed"`
	Impl             string        `json:"impl,omitempty"`
	Control          ControlConfig `json:"control"`
	Listen           []string      `json:"listen"`
	Peers            []PeerEntry   `json:"peers"`
	GossipPolicy     string        `json:"gossipPolicy"`
	Wire             string        `json:"wire"`
	Redial           RedialConfig  `json:"redial"`
	Quic             QuicConfig    `json:"quic"`
	Gossip           GossipConfig  `json:"gossip"`
	Duties           DutiesConfig  `json:"duties"`
	ExitOnStdinClose bool          `json:"exitOnStdinClose"`
}

// Seed is the run seed as the identity derivation spells it: an integer in
// decimal, or a string as given.
type Seed string

// UnmarshalJSON accepts an integer or a string (the schema has checked which).
func (s *Seed) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		*s = Seed(str)
		return nil
	}
	r, ok := new(big.Rat).SetString(string(bytes.TrimSpace(b)))
	if !ok || !r.IsInt() {
		return fmt.Errorf("seed must be an integer or a string, got %s", b)
	}
	*s = Seed(r.Num().String())
	return nil
}

// ConfigError is a config the node refuses (exit code 2); the message names the file and the field.
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

func defaultConfig() Config {
	return Config{
		Control:      ControlConfig{Host: "127.0.0.1", Port: 0},
		Peers:        []PeerEntry{},
		GossipPolicy: PolicyStock,
		Wire:         WireLean,
		Redial:       RedialConfig{Enabled: true, MinMs: 100, MaxMs: 5000},
		Quic:         QuicConfig{MaxIdleTimeoutMs: 10000, KeepAliveIntervalMs: 5000, HandshakeTimeoutMs: 5000},
		Gossip:       GossipConfig{D: 8, Dlo: 6, Dhi: 12, Dlazy: 6, HeartbeatMs: 700},
		Duties:       DutiesConfig{Validators: []int{}, Subnets: 4, ForkDigest: "12345678", PaddingBytes: 64},
	}
}

func compileSchema() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
}

// LoadConfig reads, validates and decodes the config file.
func LoadConfig(file string) (*Config, error) {
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, &ConfigError{fmt.Sprintf("%s: cannot read config: %v", file, err)}
	}
	return ParseConfig(text, file)
}

// ParseConfig validates the JSON text against the schema and applies the defaults.
func ParseConfig(text []byte, file string) (*Config, error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		return nil, &ConfigError{fmt.Sprintf("%s: not valid JSON: %v", file, err)}
	}
	schema, err := compileSchema()
	if err != nil {
		return nil, fmt.Errorf("the embedded config schema does not compile: %w", err)
	}
	if err := schema.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return nil, &ConfigError{strings.Join(schemaErrorLines(ve, file), "\n")}
		}
		return nil, &ConfigError{fmt.Sprintf("%s: %v", file, err)}
	}
	cfg := defaultConfig()
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, &ConfigError{fmt.Sprintf("%s: %v", file, err)}
	}
	if err := checkGoLimits(&cfg, file); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// checkGoLimits refuses what the schema allows but this peer cannot run.
func checkGoLimits(cfg *Config, file string) error {
	for _, s := range cfg.Duties.SubscribeSubnets {
		if s >= cfg.Duties.Subnets {
			return &ConfigError{fmt.Sprintf("%s: field /duties/subscribeSubnets: subnet %d is not below subnets (%d)", file, s, cfg.Duties.Subnets)}
		}
	}
	if b := cfg.Duties.Blocks; b != nil && b.Every != nil && b.Offset >= *b.Every {
		return &ConfigError{fmt.Sprintf("%s: field /duties/blocks/offset: must be below every (%d)", file, *b.Every)}
	}
	if cfg.GossipPolicy != PolicyStock {
		return &ConfigError{fmt.Sprintf("%s: field /gossipPolicy: %q is not supported by the Go peer, which runs stock go-libp2p-pubsub only (use \"stock\")", file, cfg.GossipPolicy)}
	}
	g := cfg.Gossip
	if !(g.Dlo <= g.D && g.D <= g.Dhi) {
		return &ConfigError{fmt.Sprintf("%s: field /gossip: go-libp2p-pubsub needs Dlo <= D <= Dhi, got Dlo=%d D=%d Dhi=%d", file, g.Dlo, g.D, g.Dhi)}
	}
	if g.D < 2 || g.Dlo < 1 {
		return &ConfigError{fmt.Sprintf("%s: field /gossip: go-libp2p-pubsub needs D >= 2 and Dlo >= 1 (its Dout must be below Dlo and D/2), got D=%d Dlo=%d", file, g.D, g.Dlo)}
	}
	return nil
}

// schemaErrorLines turns the validator's error tree into one line per leaf, each naming the field.
func schemaErrorLines(ve *jsonschema.ValidationError, file string) []string {
	printer := message.NewPrinter(language.English)
	var lines []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		lines = append(lines, fmt.Sprintf("%s: field %s", file, describe(e, printer)))
	}
	walk(ve)
	sort.Strings(lines)
	return lines
}

func pointer(loc []string) string {
	if len(loc) == 0 {
		return "(top level)"
	}
	return "/" + strings.Join(loc, "/")
}

func describe(e *jsonschema.ValidationError, p *message.Printer) string {
	at := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		return fmt.Sprintf("%s: required field is missing", pointer(append(append([]string{}, at...), k.Missing...)))
	case *kind.AdditionalProperties:
		return fmt.Sprintf("%s: unknown field %q", pointer(append(append([]string{}, at...), k.Properties...)), strings.Join(k.Properties, ", "))
	case *kind.Type:
		return fmt.Sprintf("%s: must be %s, got %s", pointer(at), strings.Join(k.Want, " or "), k.Got)
	case *kind.Enum:
		want, _ := json.Marshal(k.Want)
		return fmt.Sprintf("%s: must be one of %s", pointer(at), want)
	case *kind.Pattern:
		return fmt.Sprintf("%s: must match pattern %s, got %q", pointer(at), k.Want, k.Got)
	default:
		return fmt.Sprintf("%s: %s", pointer(at), e.ErrorKind.LocalizedString(p))
	}
}
