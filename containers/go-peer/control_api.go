package main

// The control API (contract section 7): HTTP + JSON on the configured host.
// Every error is {"error": "..."} with 400, 404, 405 or 502, as in the TS node.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var addrPattern = regexp.MustCompile(`^/ip[46]/[^/]+/(udp/[0-9]+/quic-v1|tcp/[0-9]+)$`)
var legClosePath = regexp.MustCompile(`^/v1/legs/([^/]+)/close$`)

type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// ControlAPI serves the routes over one node.
type ControlAPI struct {
	node    *Node
	metrics *NodeMetrics
	server  *http.Server
	URL     string
}

// ListenControl binds the control port (exit code 2 if it is in use) without serving yet.
func ListenControl(host string, port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
}

// ServeControl serves the API on a bound listener.
func ServeControl(l net.Listener, n *Node, metrics *NodeMetrics) *ControlAPI {
	api := &ControlAPI{node: n, metrics: metrics}
	api.server = &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	addr := l.Addr().(*net.TCPAddr)
	api.URL = "http://" + net.JoinHostPort(addr.IP.String(), strconv.Itoa(addr.Port))
	go func() { _ = api.server.Serve(l) }()
	return api
}

// Close stops serving and drops open requests.
func (api *ControlAPI) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if api.server.Shutdown(ctx) != nil {
		_ = api.server.Close()
	}
}

func (api *ControlAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := api.route(w, r); err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			he = &httpError{code: 500, msg: err.Error()}
		}
		send(w, he.code, map[string]string{"error": he.msg})
	}
}

func (api *ControlAPI) route(w http.ResponseWriter, r *http.Request) error {
	n := api.node
	path := r.URL.Path
	switch {
	case path == "/v1/status":
		if err := only(r, http.MethodGet); err != nil {
			return err
		}
		send(w, 200, n.Status())
		return nil
	case path == "/v1/events":
		if err := only(r, http.MethodGet); err != nil {
			return err
		}
		after := int64(0)
		if q := r.URL.Query().Get("after"); q != "" {
			v, err := strconv.ParseInt(q, 10, 64)
			if err != nil || v < 0 {
				return fail(400, `query "after" must be a non-negative integer`)
			}
			after = v
		}
		events, last := n.Events.After(after, 10_000)
		send(w, 200, map[string]any{"lastSeq": last, "events": events})
		return nil
	case path == "/metrics":
		if err := only(r, http.MethodGet); err != nil {
			return err
		}
		promhttp.HandlerFor(api.metrics.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
		return nil
	case legClosePath.MatchString(path):
		if err := only(r, http.MethodPost); err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		abort, err := optional[bool](body, "abort", "boolean")
		if err != nil {
			return err
		}
		id, _ := url.PathUnescape(legClosePath.FindStringSubmatch(path)[1])
		if !n.Legs.CloseLeg(id, abort != nil && *abort) {
			return fail(404, "no open leg with id %q", id)
		}
		send(w, 200, map[string]string{"closed": id})
		return nil
	case path == "/v1/dial":
		if err := only(r, http.MethodPost); err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		peerID, err := required[string](body, "peerId", "string")
		if err != nil {
			return err
		}
		addr, err := required[string](body, "addr", "string")
		if err != nil {
			return err
		}
		name, err := optional[string](body, "name", "string")
		if err != nil {
			return err
		}
		if !addrPattern.MatchString(addr) {
			return fail(400, `field "addr": expected /ip4/<host>/udp/<port>/quic-v1 or /ip4/<host>/tcp/<port>, got %q`, addr)
		}
		entry := PeerEntry{PeerID: peerID, Addr: addr}
		if name != nil {
			entry.Name = *name
		}
		conn, err := n.Legs.AddPeer(r.Context(), entry)
		if err != nil {
			return fail(502, "dial failed: %v", err)
		}
		send(w, 200, map[string]string{"leg": conn.ID()})
		return nil
	case path == "/v1/publish":
		if err := only(r, http.MethodPost); err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		slot, err := required[uint64](body, "slot", "number")
		if err != nil {
			return err
		}
		validator, err := required[uint64](body, "validator", "number")
		if err != nil {
			return err
		}
		send(w, 200, n.Duties.Publish(slot, validator))
		return nil
	case path == "/v1/redial":
		if err := only(r, http.MethodPost); err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		enabled, err := required[bool](body, "enabled", "boolean")
		if err != nil {
			return err
		}
		n.Legs.SetRedial(enabled)
		send(w, 200, map[string]bool{"enabled": enabled})
		return nil
	case path == "/v1/duties":
		// Not in the contract; the TS node has it (moves genesis), so the harness may use it on any node.
		if err := only(r, http.MethodPost); err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		genesis, err := required[uint64](body, "genesisMs", "number")
		if err != nil {
			return err
		}
		n.Duties.SetGenesis(int64(genesis))
		send(w, 200, map[string]uint64{"genesisMs": genesis})
		return nil
	}
	return fail(404, "no route %s %s", r.Method, path)
}

func only(r *http.Request, method string) error {
	if r.Method != method {
		return fail(405, "method %s not allowed, use %s", r.Method, method)
	}
	return nil
}

func send(w http.ResponseWriter, code int, body any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func readBody(r *http.Request) (map[string]any, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1_000_001))
	if err != nil {
		return nil, fail(400, "cannot read request body: %v", err)
	}
	if len(raw) > 1_000_000 {
		return nil, fail(413, "request body over 1 MB")
	}
	if strings.TrimSpace(string(raw)) == "" {
		return map[string]any{}, nil
	}
	var body any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fail(400, "request body is not valid JSON")
	}
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, fail(400, "request body must be a JSON object")
	}
	return obj, nil
}

// field reads one JSON field as T (string, bool, or a non-negative integer as uint64).
func field[T string | bool | uint64](body map[string]any, name, typ string, isRequired bool) (*T, error) {
	raw, ok := body[name]
	if !ok {
		if isRequired {
			return nil, fail(400, "field %q is required (%s)", name, typ)
		}
		return nil, nil
	}
	var out any
	switch typ {
	case "number":
		f, isNum := raw.(float64)
		if !isNum || f != math.Trunc(f) || f < 0 || f > float64(math.MaxInt64) {
			shown, _ := json.Marshal(raw)
			return nil, fail(400, "field %q must be a non-negative integer, got %s", name, shown)
		}
		out = uint64(f)
	default:
		out = raw
	}
	v, ok := out.(T)
	if !ok {
		shown, _ := json.Marshal(raw)
		return nil, fail(400, "field %q must be a %s, got %s", name, typ, shown)
	}
	return &v, nil
}

func required[T string | bool | uint64](body map[string]any, name, typ string) (T, error) {
	v, err := field[T](body, name, typ, true)
	if err != nil {
		var zero T
		return zero, err
	}
	return *v, nil
}

func optional[T string | bool | uint64](body map[string]any, name, typ string) (*T, error) {
	return field[T](body, name, typ, false)
}
