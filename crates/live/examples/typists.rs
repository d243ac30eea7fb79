//! Load harness for live co-editing: N simulated typists on one page, each typing
//! 5 keystrokes a second into its own line for a while over the y-websocket endpoint of
//! a running Carnet, then a convergence check.
//!
//! ```text
//! cargo run --release -p carnet-live --example typists -- \
//!     --url http://127.0.0.1:8080 --page Charge --typists 100 --seconds 60 [--server-pid PID]
//! ```
//!
//! Latency is measured from a keystroke's send to its arrival at every *other* observer
//! (`--observers K`: every client up to 100 typists, 50 above — 400 full replicas
//! decoding 2,000 updates a second would measure the harness, not the server, on the
//! 2-core machine that runs both; the other clients only count frames, then fetch the
//! document with one sync at the end and are checked like the observers)
//! (each receiver reads the update's clock range per typist: Yjs clocks count
//! characters, so clock k of a typist is its k-th keystroke). A keystroke counts as
//! acknowledged when its author sees it echoed (the server echoes only stored updates).
//! At the end every client's text, and the page saved by a "save a version" request,
//! must be identical and hold every keystroke.
//!
//! `--crash-command` runs a shell command halfway (e.g. kill -9 and restart the server);
//! clients then reconnect and resync, and the check becomes: every acknowledged keystroke
//! is in the final text.

use std::collections::HashMap;
use std::io::Read;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message as WsMessage, WebSocket};
use yrs::encoding::read::Cursor;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{
    Assoc, Doc, GetString, IndexedSequence, ReadTxn, StickyIndex, Text, TextRef, Transact, Update,
};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Latency histogram in 100 µs buckets up to 60 s.
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
}

const BUCKET_US: u64 = 100;

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            buckets: vec![0; 600_000],
            count: 0,
        }
    }

    fn record(&mut self, latency: Duration) {
        let bucket = (latency.as_micros() as u64 / BUCKET_US).min(599_999) as usize;
        if let Some(slot) = self.buckets.get_mut(bucket) {
            *slot += 1;
        }
        self.count += 1;
    }

    fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            *mine += theirs;
        }
        self.count += other.count;
    }

    fn quantile_ms(&self, q: f64) -> f64 {
        let target = (self.count as f64 * q).ceil() as u64;
        let mut seen = 0;
        for (index, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target.max(1) {
                return (index as u64 * BUCKET_US + BUCKET_US) as f64 / 1000.0;
            }
        }
        f64::NAN
    }
}

/// Above 100 typists, this many clients measure latency by default: 400 full replicas
/// decoding 2,000 updates a second each would measure the harness, not the server,
/// on a 2-core machine that runs both.
const DEFAULT_OBSERVERS: usize = 50;

struct Options {
    url: String,
    page: String,
    typists: usize,
    seconds: u64,
    rate: f64,
    server_pid: Option<u32>,
    crash_command: Option<String>,
    /// How many clients measure latency (decode and apply every frame as it comes);
    /// the others keep their frames and apply them after the run.
    observers: usize,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        url: "http://127.0.0.1:8080".to_owned(),
        page: "Charge".to_owned(),
        typists: 10,
        seconds: 60,
        rate: 5.0,
        server_pid: None,
        crash_command: None,
        observers: 0,
    };
    let mut observers = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => options.url = value,
            "--page" => options.page = value,
            "--typists" => options.typists = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--rate" => options.rate = value.parse()?,
            "--server-pid" => options.server_pid = Some(value.parse()?),
            "--crash-command" => options.crash_command = Some(value),
            "--observers" => observers = Some(value.parse()?),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    options.observers = observers
        .unwrap_or(if options.typists <= 100 {
            options.typists
        } else {
            DEFAULT_OBSERVERS
        })
        .min(options.typists);
    Ok(options)
}

/// What every client shares: when each typist's k-th keystroke was sent.
///
/// Lock-free on purpose: 400 receiver threads read it for every frame, and a mutex
/// there made the harness measure its own contention.
struct Shared {
    /// Yjs client id → typist index, fixed before anyone types.
    typist_of: HashMap<u64, usize>,
    /// Per typist, indexed by clock: nanoseconds since `epoch` at send, plus one
    /// (0: not sent yet).
    sent: Vec<Box<[AtomicU64]>>,
    epoch: Instant,
    stop: AtomicBool,
    reconnects: AtomicU64,
}

impl Shared {
    /// Records that `client`'s clocks up to `clock` (exclusive) were sent `at`.
    fn sent_up_to(&self, index: usize, from: u32, clock: u32, at: Instant) {
        let Some(slots) = self.sent.get(index) else {
            return;
        };
        let nanos = at.duration_since(self.epoch).as_nanos() as u64 + 1;
        for k in from..clock {
            if let Some(slot) = slots.get(k as usize) {
                slot.store(nanos, Ordering::Release);
            }
        }
    }

    /// When `client`'s clock `k` was sent, if known.
    fn sent_at(&self, index: usize, k: u32) -> Option<Instant> {
        let nanos = self
            .sent
            .get(index)?
            .get(k as usize)?
            .load(Ordering::Acquire);
        (nanos > 0).then(|| self.epoch + Duration::from_nanos(nanos - 1))
    }
}

struct Typist {
    index: usize,
    doc: Doc,
    text: TextRef,
    client_id: u64,
    /// Highest clock seen per other typist.
    seen: HashMap<u64, u32>,
    histogram: Histogram,
    /// Keystrokes typed / echoed back (acknowledged).
    typed: u32,
    acknowledged: u32,
    marker: String,
    /// The server's sync step 2 arrived: the page's text is here.
    synced: bool,
    /// Bytes of text before anyone typed.
    initial_len: usize,
    /// Just after this typist's last character (found without copying the text).
    line_end: Option<StickyIndex>,
    /// Measures latency (applies frames as they come); else only counts them during
    /// the run and catches up with one sync at the end.
    observer: bool,
    frames: u64,
}

fn ws_url(options: &Options) -> String {
    format!(
        "{}/api/v1/pages/{}/live",
        options.url.replacen("http://", "ws://", 1),
        options.page
    )
}

fn connect(options: &Options, doc: &Doc) -> Result<WebSocket<TcpStream>, Failure> {
    let request = ws_url(options).as_str().into_client_request()?;
    let address = options.url.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(address)?;
    stream.set_nodelay(true)?;
    let (mut socket, _) = tungstenite::client(request, stream)?;
    socket
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(5)))?;
    let state = doc.transact().state_vector();
    socket.send(WsMessage::binary(
        Message::Sync(SyncMessage::SyncStep1(state)).encode_v1(),
    ))?;
    Ok(socket)
}

impl Typist {
    /// Applies a server frame; records latencies of others' keystrokes.
    fn hear(
        &mut self,
        frame: &[u8],
        shared: &Shared,
        replies: &mut Vec<Vec<u8>>,
    ) -> Result<(), Failure> {
        self.frames += 1;
        // y-sync: message type 0 (sync), then 0 for step 1 — the server asking what it
        // lacks after a reconnect, which must be answered now.
        let step1 = frame.starts_with(&[0, 0]);
        if self.synced && !self.observer && !step1 {
            return Ok(());
        }
        self.apply_frame(frame, shared, replies)
    }

    /// After the run, a client that did not measure asks the server for everything it
    /// lacks (sync step 1, as after a reconnect) and applies the answer: its replica is
    /// then checked like the others'.
    fn final_sync(
        &mut self,
        socket: &mut WebSocket<TcpStream>,
        shared: &Shared,
    ) -> Result<(), Failure> {
        let state = self.doc.transact().state_vector();
        socket.send(WsMessage::binary(
            Message::Sync(SyncMessage::SyncStep1(state)).encode_v1(),
        ))?;
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(5)))?;
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut replies = Vec::new();
        while Instant::now() < deadline {
            let frame = match socket.read() {
                Ok(WsMessage::Binary(frame)) => frame,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(_)) => continue,
                Err(error) => return Err(error.into()),
            };
            // y-sync step 2: message type 0, then 1.
            if frame.starts_with(&[0, 1]) {
                return self.apply_frame(&frame, shared, &mut replies);
            }
        }
        Err("no answer to the final sync".into())
    }

    fn apply_frame(
        &mut self,
        frame: &[u8],
        shared: &Shared,
        replies: &mut Vec<Vec<u8>>,
    ) -> Result<(), Failure> {
        let now = Instant::now();
        let mut decoder = DecoderV1::new(Cursor::new(frame));
        for message in MessageReader::new(&mut decoder) {
            match message? {
                Message::Sync(SyncMessage::SyncStep1(state)) => {
                    let diff = self.doc.transact().encode_state_as_update_v1(&state);
                    replies.push(Message::Sync(SyncMessage::SyncStep2(diff)).encode_v1());
                }
                Message::Sync(SyncMessage::Update(data) | SyncMessage::SyncStep2(data)) => {
                    self.synced = true;
                    let update = Update::decode_v1(&data)?;
                    // Yjs clocks count characters: the clock range a typist's blocks
                    // cover in this update are its keystrokes that arrived now.
                    let insertions = update.insertions(true);
                    for (client, ranges) in insertions.iter() {
                        let Some(clock) = ranges.iter().map(|r| r.end).max() else {
                            continue;
                        };
                        let client = client.get();
                        if client == self.client_id {
                            self.acknowledged = self.acknowledged.max(clock);
                            continue;
                        }
                        let Some(&index) = shared.typist_of.get(&client) else {
                            continue;
                        };
                        let before = self.seen.get(&client).copied().unwrap_or(0);
                        for k in before..clock {
                            if !self.observer {
                                break;
                            }
                            if let Some(at) = shared.sent_at(index, k) {
                                self.histogram.record(now.saturating_duration_since(at));
                            }
                        }
                        if clock > before {
                            self.seen.insert(client, clock);
                        }
                    }
                    self.doc.transact_mut().apply_update(update)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Types one character at the end of its own line.
    fn keystroke(&mut self, shared: &Shared) -> Result<Vec<u8>, Failure> {
        let ch = char::from(b'a' + (self.typed % 26) as u8);
        let clock_before = self.clock();
        let update = {
            let mut txn = self.doc.transact_mut();
            let index = match self.line_end.as_ref().and_then(|end| end.get_offset(&txn)) {
                Some(offset) => offset.index,
                None => {
                    // First keystroke: a new line of its own, then the character.
                    let len = self.text.len(&txn);
                    let line = format!("\n{}", self.marker);
                    self.text.insert(&mut txn, len, &line);
                    len + line.len() as u32
                }
            };
            self.text.insert(&mut txn, index, &ch.to_string());
            // Bound to the character just typed: others' lines never move into ours.
            self.line_end = self.text.sticky_index(&txn, index + 1, Assoc::Before);
            txn.encode_update_v1()
        };
        shared.sent_up_to(self.index, clock_before, self.clock(), Instant::now());
        self.typed += 1;
        Ok(Message::Sync(SyncMessage::Update(update)).encode_v1())
    }

    /// This typist's own Yjs clock: how many characters it inserted.
    fn clock(&self) -> u32 {
        self.doc
            .transact()
            .state_vector()
            .get(&yrs::ClientID::new(self.client_id))
    }
}

fn run_typist(
    index: usize,
    client_id: u64,
    options: Arc<Options>,
    shared: Arc<Shared>,
    start: Arc<Barrier>,
    typing_for: Duration,
) -> Result<Typist, Failure> {
    let doc = Doc::with_client_id(client_id);
    let text = doc.get_or_insert_text("text");
    let mut typist = Typist {
        index,
        doc,
        text,
        client_id,
        seen: HashMap::new(),
        histogram: Histogram::new(),
        typed: 0,
        acknowledged: 0,
        marker: format!("[t{index}]"),
        synced: false,
        initial_len: 0,
        line_end: None,
        observer: index < options.observers,
        frames: 0,
    };
    let mut socket = connect(&options, &typist.doc)?;
    // Like an editor, type only once the page's text has arrived (else the first line
    // could be typed in front of it).
    let mut replies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !typist.synced && Instant::now() < deadline {
        match socket.read() {
            Ok(WsMessage::Binary(frame)) => {
                typist.hear(&frame, &shared, &mut replies)?;
                for reply in replies.drain(..) {
                    socket.send(WsMessage::binary(reply))?;
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    typist.initial_len = typist.text.get_string(&typist.doc.transact()).len();
    start.wait();
    let began = Instant::now();
    let period = Duration::from_secs_f64(1.0 / options.rate);
    // Spread the first keystrokes over one period so typists do not type in lockstep.
    let mut next = began + period.mul_f64((index as f64 * 0.618) % 1.0);
    let mut quiet_since: Option<Instant> = None;
    loop {
        let now = Instant::now();
        let typing = now.duration_since(began) < typing_for;
        if typing && now >= next {
            let frame = typist.keystroke(&shared)?;
            if let Err(error) = socket.send(WsMessage::binary(frame)) {
                socket = reconnect(&options, &typist, &shared, error)?;
            }
            next += period;
        }
        // Sleep in the read until the next keystroke is due: a fixed short timeout
        // woke 400 threads hundreds of times a second for nothing.
        let wait = if typing {
            next.saturating_duration_since(Instant::now())
        } else {
            Duration::from_millis(50)
        };
        socket
            .get_ref()
            .set_read_timeout(Some(wait.max(Duration::from_micros(500))))?;
        if !typing {
            // Wind down: wait until nothing arrived for a while.
            let quiet = quiet_since.get_or_insert(now);
            if now.duration_since(*quiet) > Duration::from_secs(3)
                || shared.stop.load(Ordering::Relaxed)
            {
                break;
            }
        }
        match socket.read() {
            Ok(WsMessage::Binary(frame)) => {
                typist.hear(&frame, &shared, &mut replies)?;
                for reply in replies.drain(..) {
                    socket.send(WsMessage::binary(reply))?;
                }
                quiet_since = None;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(error) => {
                socket = reconnect(&options, &typist, &shared, error)?;
            }
        }
    }
    if !typist.observer {
        typist.final_sync(&mut socket, &shared)?;
    }
    let _ = socket.close(None);
    Ok(typist)
}

/// The server went away (crash test): reconnect until it is back; the sync step 1/2
/// exchange resends whatever it lacks.
fn reconnect(
    options: &Options,
    typist: &Typist,
    shared: &Shared,
    error: tungstenite::Error,
) -> Result<WebSocket<TcpStream>, Failure> {
    if typist.index == 0 {
        eprintln!("typist 0 reconnecting after: {error}");
    }
    shared.reconnects.fetch_add(1, Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        match connect(options, &typist.doc) {
            Ok(socket) => return Ok(socket),
            Err(e) if Instant::now() < deadline => {
                let _ = e;
            }
            Err(e) => return Err(e),
        }
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let mut status = String::new();
    std::fs::File::open(format!("/proc/{pid}/status"))
        .ok()?
        .read_to_string(&mut status)
        .ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) a process used so far, in seconds: to tell the server's
/// share of the machine from the harness's.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let mut stat = String::new();
    std::fs::File::open(format!("/proc/{pid}/stat"))
        .ok()?
        .read_to_string(&mut stat)
        .ok()?;
    // Fields after the command name (which may hold spaces) start at the state.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / 100.0)
}

fn stored_text(options: &Options) -> Result<(String, i64), Failure> {
    let url = format!("{}/api/v1/pages/{}", options.url, options.page);
    let body: serde_json::Value = ureq::get(&url).call()?.body_mut().read_json()?;
    let text = body
        .get("text")
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_owned();
    let revision = body
        .get("revision")
        .and_then(|r| r.get("id"))
        .and_then(|id| id.as_i64())
        .unwrap_or_default();
    Ok((text, revision))
}

fn main() -> Result<(), Failure> {
    let options = Arc::new(options()?);
    // The page must exist for the final comparison; create it if needed.
    let url = format!("{}/api/v1/pages/{}", options.url, options.page);
    let _ = ureq::put(&url)
        .header("Content-Type", "application/json")
        .send(r#"{"text": "Notes de charge", "base_revision": null}"#);
    let rss_before = options.server_pid.and_then(rss_kib);
    // Client ids fixed up front, so receivers find a typist's send times by index.
    let client_ids: Vec<u64> = (0..options.typists)
        .map(|_| Doc::new().client_id().get())
        .collect();
    // A typist's clock counts its line (newline and marker, under 16 bytes) and its
    // keystrokes; a margin for a late last keystroke.
    let per_typist = 16 + (options.rate * options.seconds as f64 * 1.2) as usize + 64;
    let shared = Arc::new(Shared {
        typist_of: client_ids
            .iter()
            .enumerate()
            .map(|(index, id)| (*id, index))
            .collect(),
        sent: (0..options.typists)
            .map(|_| (0..per_typist).map(|_| AtomicU64::new(0)).collect())
            .collect(),
        epoch: Instant::now(),
        stop: AtomicBool::new(false),
        reconnects: AtomicU64::new(0),
    });
    let start = Arc::new(Barrier::new(options.typists + 1));
    let typing_for = Duration::from_secs(options.seconds);
    let handles: Vec<_> = (0..options.typists)
        .map(|index| {
            let options = Arc::clone(&options);
            let shared = Arc::clone(&shared);
            let start = Arc::clone(&start);
            let client_id = client_ids.get(index).copied().unwrap_or_default();
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || run_typist(index, client_id, options, shared, start, typing_for))
        })
        .collect::<Result<_, _>>()?;
    start.wait();
    let began = Instant::now();
    let server_cpu_before = options
        .server_pid
        .and_then(|pid| cpu_seconds(&pid.to_string()));
    let harness_cpu_before = cpu_seconds("self");
    let mut rss_peak = 0;
    let mut crashed = false;
    while began.elapsed() < typing_for {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(rss) = options.server_pid.and_then(rss_kib) {
            rss_peak = rss_peak.max(rss);
        }
        if !crashed
            && began.elapsed() >= typing_for / 2
            && let Some(command) = &options.crash_command
        {
            {
                crashed = true;
                eprintln!("crash: running {command}");
                let status = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(command)
                    .status()?;
                eprintln!("crash command: {status}");
            }
        }
    }
    let server_cpu = options
        .server_pid
        .and_then(|pid| cpu_seconds(&pid.to_string()))
        .zip(server_cpu_before)
        .map(|(after, before)| after - before);
    let harness_cpu = cpu_seconds("self")
        .zip(harness_cpu_before)
        .map(|(after, before)| after - before);
    let mut typists = Vec::new();
    for handle in handles {
        typists.push(handle.join().map_err(|_| "typist panicked")??);
    }
    shared.stop.store(true, Ordering::Relaxed);
    let mut histogram = Histogram::new();
    for typist in &typists {
        histogram.merge(&typist.histogram);
    }
    let typed: u64 = typists.iter().map(|t| u64::from(t.typed)).sum();
    // Only observers read their own echoes as they come.
    let acknowledged: u64 = typists
        .iter()
        .filter(|t| t.observer)
        .map(|t| u64::from(t.acknowledged))
        .sum();
    let typed_by_observers: u64 = typists
        .iter()
        .filter(|t| t.observer)
        .map(|t| u64::from(t.typed))
        .sum();
    // Keystroke clocks include each typist's line marker; count typed characters only.
    let texts: Vec<String> = typists
        .iter()
        .map(|t| t.text.get_string(&t.doc.transact()))
        .collect();
    let replicas_equal = texts.windows(2).all(|pair| pair.first() == pair.last());
    let reference = texts.first().cloned().unwrap_or_default();
    // Typists append at the ends of lines others may append after too, so a keystroke
    // can land on a neighbour's line; nothing is deleted, so the length proves that
    // every keystroke (and every line marker) is present.
    let initial = typists.first().map(|t| t.initial_len).unwrap_or_default();
    let expected: usize = initial
        + typists
            .iter()
            .map(|t| 1 + t.marker.len() + t.typed as usize)
            .sum::<usize>();
    let every_keystroke =
        reference.len() == expected && typists.iter().all(|t| reference.contains(&t.marker));
    // Ask for a revision and compare the stored page.
    let (_, before) = stored_text(&options)?;
    {
        let doc = Doc::new();
        let mut socket = connect(&options, &doc)?;
        socket.send(WsMessage::binary(
            Message::Custom(100, b"Fin de la mesure".to_vec()).encode_v1(),
        ))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, revision) = stored_text(&options)?;
            if revision != before || Instant::now() > deadline {
                break;
            }
            let _ = socket.read();
        }
        let _ = socket.close(None);
    }
    let (stored, _) = stored_text(&options)?;
    let stored_equal = stored == reference.trim_end();
    let rss_after = options.server_pid.and_then(rss_kib);

    println!("typists: {}", options.typists);
    println!("seconds: {}", options.seconds);
    println!("keystrokes typed: {typed}");
    println!(
        "observers' keystrokes acknowledged (echoed, clocks incl. line markers): {acknowledged} \
         for {typed_by_observers} typed"
    );
    println!(
        "observers (measuring latency): {} of {}",
        options.observers, options.typists
    );
    println!("deliveries measured: {}", histogram.count);
    let frames: u64 = typists.iter().map(|t| t.frames).sum();
    println!(
        "frames received per client per second: {:.1}",
        frames as f64 / options.typists as f64 / options.seconds as f64
    );
    println!(
        "latency ms: p50 {:.1} p95 {:.1} p99 {:.1}",
        histogram.quantile_ms(0.50),
        histogram.quantile_ms(0.95),
        histogram.quantile_ms(0.99)
    );
    println!("replicas identical: {replicas_equal}");
    println!("every keystroke present: {every_keystroke}");
    println!("stored page identical: {stored_equal}");
    println!("reconnects: {}", shared.reconnects.load(Ordering::Relaxed));
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!("server RSS KiB: before {before}, peak {rss_peak}, after {after}");
        let per_client = (rss_peak.saturating_sub(before)) as f64 / options.typists as f64;
        println!("server RSS per connected client (peak-before)/N: {per_client:.0} KiB");
    }
    if let Some(cpu) = server_cpu {
        println!(
            "server CPU while typing: {cpu:.1} s of {} s",
            options.seconds
        );
    }
    if let Some(cpu) = harness_cpu {
        println!(
            "harness CPU while typing: {cpu:.1} s of {} s",
            options.seconds
        );
    }
    println!("final text bytes: {}", reference.len());
    if replicas_equal && every_keystroke && stored_equal {
        Ok(())
    } else {
        Err("convergence check failed".into())
    }
}
