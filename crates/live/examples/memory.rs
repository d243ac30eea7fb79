//! Memory of live sessions: a running Carnet's resident memory (`VmRSS` of
//! `/proc/PID/status`) as live sessions open and clients join.
//!
//! ```text
//! cargo run --release -p carnet-live --example memory -- \
//!     --url http://127.0.0.1:8080 --server-pid PID [--sessions 200] [--clients 1000] [--bytes 4000]
//! ```
//!
//! 1. `--sessions` pages, each opened by one client that types `--bytes` of text (in
//!    20 keystrokes, so the document holds real Yjs items) — the cost of a session with
//!    one writer;
//! 2. `--clients` more clients join the first page and sync, then stay idle — the cost
//!    of a connected client;
//! 3. the first page's writer types 3 × 4,000 more keystrokes (one per update), every
//!    idle client receiving them — a long meeting on one page, to see that stored
//!    updates are compacted and memory levels off;
//! 4. everyone leaves; after the sessions wind down (checkpoint, compaction), the RSS
//!    again.
//!
//! RSS counts what the allocator keeps, not only what is in use: freed memory is often
//! kept for reuse, so step 4 shows an upper bound of what stays.

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message as WsMessage, WebSocket};
use yrs::encoding::read::Cursor;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, GetString, ReadTxn, Text, TextRef, Transact, Update};

type Failure = Box<dyn std::error::Error + Send + Sync>;

struct Options {
    url: String,
    pid: u32,
    sessions: usize,
    clients: usize,
    bytes: usize,
}

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        url: "http://127.0.0.1:8080".to_owned(),
        pid: 0,
        sessions: 200,
        clients: 1000,
        bytes: 4000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => options.url = value,
            "--server-pid" => options.pid = value.parse()?,
            "--sessions" => options.sessions = value.parse()?,
            "--clients" => options.clients = value.parse()?,
            "--bytes" => options.bytes = value.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    if options.pid == 0 {
        return Err("--server-pid is required".into());
    }
    Ok(options)
}

struct Client {
    socket: WebSocket<TcpStream>,
    doc: Doc,
    text: TextRef,
}

impl Client {
    fn connect(options: &Options, page: &str) -> Result<Client, Failure> {
        let url = format!(
            "{}/api/v1/pages/{page}/live",
            options.url.replacen("http://", "ws://", 1)
        );
        let request = url.as_str().into_client_request()?;
        let stream = TcpStream::connect(options.url.trim_start_matches("http://"))?;
        let (mut socket, _) = tungstenite::client(request, stream)?;
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(5)))?;
        let doc = Doc::new();
        let text = doc.get_or_insert_text("text");
        let state = doc.transact().state_vector();
        socket.send(WsMessage::binary(
            Message::Sync(SyncMessage::SyncStep1(state)).encode_v1(),
        ))?;
        Ok(Client { socket, doc, text })
    }

    fn text(&self) -> String {
        self.text.get_string(&self.doc.transact())
    }

    fn type_at_end(&mut self, chunk: &str) -> Result<(), Failure> {
        let update = {
            let mut txn = self.doc.transact_mut();
            let len = self.text.len(&txn);
            self.text.insert(&mut txn, len, chunk);
            txn.encode_update_v1()
        };
        self.socket.send(WsMessage::binary(
            Message::Sync(SyncMessage::Update(update)).encode_v1(),
        ))?;
        Ok(())
    }

    /// Reads what arrived, answering the server's sync step 1.
    fn pump(&mut self) -> Result<(), Failure> {
        loop {
            match self.socket.read() {
                Ok(WsMessage::Binary(frame)) => {
                    let mut replies = Vec::new();
                    let mut decoder = DecoderV1::new(Cursor::new(&frame));
                    for message in MessageReader::new(&mut decoder) {
                        match message? {
                            Message::Sync(SyncMessage::SyncStep1(state)) => {
                                let diff = self.doc.transact().encode_state_as_update_v1(&state);
                                replies
                                    .push(Message::Sync(SyncMessage::SyncStep2(diff)).encode_v1());
                            }
                            Message::Sync(SyncMessage::SyncStep2(u) | SyncMessage::Update(u)) => {
                                self.doc
                                    .transact_mut()
                                    .apply_update(Update::decode_v1(&u)?)?;
                            }
                            _ => {}
                        }
                    }
                    for reply in replies {
                        self.socket.send(WsMessage::binary(reply))?;
                    }
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn pump_until(&mut self, done: impl Fn(&Client) -> bool) -> Result<(), Failure> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(self) {
            if Instant::now() > deadline {
                return Err("timed out".into());
            }
            self.pump()?;
        }
        Ok(())
    }
}

fn rss_kib(pid: u32) -> Result<u64, Failure> {
    let mut status = String::new();
    std::fs::File::open(format!("/proc/{pid}/status"))?.read_to_string(&mut status)?;
    Ok(status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .ok_or("no VmRSS")?
        .parse()?)
}

/// Waits for the server to settle (no new allocations from work in flight).
fn settled_rss(pid: u32) -> Result<u64, Failure> {
    std::thread::sleep(Duration::from_secs(3));
    rss_kib(pid)
}

fn main() -> Result<(), Failure> {
    let options = options()?;
    let before = settled_rss(options.pid)?;
    println!("server RSS before: {before} KiB");

    // 1. Sessions with one writer each.
    let chunk: String = "abcdefghij ".repeat(options.bytes / 220 + 1);
    let mut writers = Vec::new();
    for i in 0..options.sessions {
        let mut client = Client::connect(&options, &format!("Memoire_{i}"))?;
        for _ in 0..20 {
            client.type_at_end(&chunk)?;
        }
        let expected = chunk.len() * 20;
        client.pump_until(|c| c.text().len() >= expected)?;
        writers.push(client);
    }
    let sessions = settled_rss(options.pid)?;
    let per_session = (sessions.saturating_sub(before)) * 1024 / options.sessions.max(1) as u64;
    println!(
        "{} sessions of {} bytes, one writer each: RSS {sessions} KiB, {per_session} bytes per session",
        options.sessions,
        chunk.len() * 20
    );

    // 2. Idle clients on the first page.
    let mut idle = Vec::new();
    for _ in 0..options.clients {
        let mut client = Client::connect(&options, "Memoire_0")?;
        let expected = chunk.len() * 20;
        client.pump_until(|c| c.text().len() >= expected)?;
        idle.push(client);
    }
    let clients = settled_rss(options.pid)?;
    let per_client = (clients.saturating_sub(sessions)) * 1024 / options.clients.max(1) as u64;
    println!(
        "{} more idle clients on one page: RSS {clients} KiB, {per_client} bytes per client",
        options.clients
    );

    // 3. A long meeting on the first page: 3 × 4,000 single keystrokes (compacted every
    //    2,000 stored updates), the idle clients receiving every one.
    let Some(first) = writers.first_mut() else {
        return Ok(());
    };
    for client in &idle {
        // Reading a thousand idle sockets must not wait on each.
        client.socket.get_ref().set_nonblocking(true)?;
    }
    let mut expected = chunk.len() * 20;
    for round in 1..=3 {
        for i in 0..4000 {
            first.type_at_end(if i % 50 == 49 { "\n" } else { "x" })?;
            if i % 250 == 249 {
                first.pump()?;
                for client in &mut idle {
                    client.pump()?;
                }
            }
        }
        expected += 4000;
        first.pump_until(|c| c.text().len() >= expected)?;
        for client in &mut idle {
            client.pump_until(|c| c.text().len() >= expected)?;
        }
        let typed = settled_rss(options.pid)?;
        println!(
            "after {} more keystrokes on the first page: RSS {typed} KiB",
            round * 4000
        );
    }

    // 4. Everyone leaves.
    for mut client in writers.into_iter().chain(idle) {
        let _ = client.socket.close(None);
        let _ = client.pump();
    }
    std::thread::sleep(Duration::from_secs(5));
    let after = settled_rss(options.pid)?;
    println!("after everyone left and the sessions ended: RSS {after} KiB");
    Ok(())
}
