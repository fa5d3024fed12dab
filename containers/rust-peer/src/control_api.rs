//! The control API (contract section 7): HTTP + JSON on the configured host.
//! Every error is {"error": "..."} with 400, 404, 405 or 502, worded as the Go peer's.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::registry::Registry;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot, watch};

use crate::config::PeerEntry;
use crate::events::EventLog;
use crate::node::Command;
use crate::sched_probe::SchedProbe;

pub struct Api {
    pub events: Arc<EventLog>,
    pub registry: Registry,
    pub tx: mpsc::UnboundedSender<Command>,
    pub genesis: watch::Sender<u64>,
    pub sched: Arc<SchedProbe>,
}

struct HttpError(StatusCode, String);

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        send(self.0, json!({"error": self.1}))
    }
}

fn send(code: StatusCode, body: Value) -> Response {
    (code, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn err(code: u16, msg: impl Into<String>) -> HttpError {
    HttpError(StatusCode::from_u16(code).expect("status code"), msg.into())
}

pub fn router(api: Arc<Api>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(api)
}

async fn handle(State(api): State<Arc<Api>>, req: Request) -> Response {
    match route(&api, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn only(method: &Method, want: Method) -> Result<(), HttpError> {
    if *method != want {
        return Err(err(405, format!("method {method} not allowed, use {want}")));
    }
    Ok(())
}

async fn ask<T>(api: &Api, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, HttpError> {
    let (tx, rx) = oneshot::channel();
    api.tx.send(make(tx)).map_err(|_| err(500, "node is stopping"))?;
    rx.await.map_err(|_| err(500, "node is stopping"))
}

async fn route(api: &Api, req: Request) -> Result<Response, HttpError> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    match path.as_str() {
        "/v1/status" => {
            only(&method, Method::GET)?;
            let mut status = ask(api, Command::Status).await?;
            // read here, not in the swarm loop: the probe runs in its own task
            status["sched"] = api.sched.status();
            Ok(send(StatusCode::OK, status))
        }
        "/v1/events" => {
            only(&method, Method::GET)?;
            let mut after = 0u64;
            for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
                if k == "after" {
                    after = v.parse().map_err(|_| err(400, "query \"after\" must be a non-negative integer"))?;
                }
            }
            let (lines, last) = api.events.after(after, 10_000);
            let body = format!("{{\"lastSeq\":{last},\"events\":[{}]}}", lines.join(","));
            Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response())
        }
        "/metrics" => {
            only(&method, Method::GET)?;
            let mut text = String::new();
            prometheus_client::encoding::text::encode(&mut text, &api.registry).map_err(|e| err(500, e.to_string()))?;
            Ok((StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
        }
        "/v1/dial" => {
            only(&method, Method::POST)?;
            let body = read_body(req.into_body()).await?;
            let peer_id = string(&body, "peerId", true)?.unwrap_or_default();
            let addr = string(&body, "addr", true)?.unwrap_or_default();
            let name = string(&body, "name", false)?;
            if !crate::config::is_leg_addr(&addr) {
                return Err(err(400, format!("field \"addr\": expected /ip4/<host>/udp/<port>/quic-v1 or /ip4/<host>/tcp/<port>, got {addr:?}")));
            }
            let entry = PeerEntry { name, peer_id, addr };
            match ask(api, |r| Command::Dial { entry, reply: Some(r) }).await? {
                Ok(leg) => Ok(send(StatusCode::OK, json!({"leg": leg}))),
                Err(e) => Err(err(502, format!("dial failed: {e}"))),
            }
        }
        "/v1/publish" => {
            only(&method, Method::POST)?;
            let body = read_body(req.into_body()).await?;
            let slot = number(&body, "slot")?;
            let validator = number(&body, "validator")?;
            let fields = ask(api, |r| Command::Publish { slot, validator, reply: Some(r) }).await?;
            Ok(send(StatusCode::OK, Value::Object(fields)))
        }
        "/v1/redial" => {
            only(&method, Method::POST)?;
            let body = read_body(req.into_body()).await?;
            let enabled = boolean(&body, "enabled", true)?.unwrap_or(true);
            ask(api, |r| Command::SetRedial { enabled, reply: r }).await?;
            Ok(send(StatusCode::OK, json!({"enabled": enabled})))
        }
        "/v1/duties" => {
            only(&method, Method::POST)?;
            let body = read_body(req.into_body()).await?;
            let genesis = number(&body, "genesisMs")?;
            api.genesis.send_replace(genesis);
            Ok(send(StatusCode::OK, json!({"genesisMs": genesis})))
        }
        p => {
            if let Some(id) = p.strip_prefix("/v1/legs/").and_then(|r| r.strip_suffix("/close")).filter(|id| !id.is_empty() && !id.contains('/')) {
                only(&method, Method::POST)?;
                let body = read_body(req.into_body()).await?;
                // rust-libp2p closes a connection one way only (gracefully): `abort` is accepted, and reported as such
                boolean(&body, "abort", false)?;
                let id = percent_decode(id);
                let id2 = id.clone();
                if !ask(api, |r| Command::CloseLeg { id: id2, reply: r }).await? {
                    return Err(err(404, format!("no open leg with id {id:?}")));
                }
                return Ok(send(StatusCode::OK, json!({"closed": id})));
            }
            Err(err(404, format!("no route {method} {p}")))
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn read_body(body: Body) -> Result<Map<String, Value>, HttpError> {
    let raw = to_bytes(body, 1_000_000).await.map_err(|_| err(413, "request body over 1 MB"))?;
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&raw) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(err(400, "request body must be a JSON object")),
        Err(_) => Err(err(400, "request body is not valid JSON")),
    }
}

fn string(body: &Map<String, Value>, name: &str, required: bool) -> Result<Option<String>, HttpError> {
    match body.get(name) {
        None if required => Err(err(400, format!("field {name:?} is required (string)"))),
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(err(400, format!("field {name:?} must be a string, got {v}"))),
    }
}

fn boolean(body: &Map<String, Value>, name: &str, required: bool) -> Result<Option<bool>, HttpError> {
    match body.get(name) {
        None if required => Err(err(400, format!("field {name:?} is required (boolean)"))),
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(err(400, format!("field {name:?} must be a boolean, got {v}"))),
    }
}

fn number(body: &Map<String, Value>, name: &str) -> Result<u64, HttpError> {
    match body.get(name) {
        None => Err(err(400, format!("field {name:?} is required (number)"))),
        Some(v) => {
            let n = v.as_u64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= i64::MAX as f64).map(|f| f as u64));
            n.ok_or_else(|| err(400, format!("field {name:?} must be a non-negative integer, got {v}")))
        }
    }
}
