//! End-to-end test harness: a real Carnet HTTP server on a real database (a temporary
//! SQLite file, or a fresh PostgreSQL database when `CARNET_TEST_DATABASE_URL` is set),
//! listening on a loopback port, driven by a plain HTTP client.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use carnet_core::{Limit, LimitPolicy};
use carnet_store::testing::TestDb;
use carnet_store::{Store, StoreConfig};
use carnet_web::{AppState, LimitConfig, WebConfig};

/// A running server and the database behind it; both go away on drop.
pub struct TestServer {
    pub base: String,
    agent: ureq::Agent,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<JoinHandle<()>>,
    store: Store,
    /// Shared by the servers started with [`TestServer::start_sharing`].
    db: Arc<TestDb>,
    /// Uploaded files: `object_store`'s local filesystem on a temporary folder, shared
    /// by the servers started with [`TestServer::start_sharing`].
    blobs: carnet_store::BlobStore,
    media: Arc<tempfile::TempDir>,
}

/// An HTTP response read as bytes (served files).
#[derive(Debug)]
pub struct BytesReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl BytesReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Status, headers and the body's bytes as sent (64 MiB at most).
    fn read(mut response: ureq::http::Response<ureq::Body>) -> BytesReply {
        let status = response.status().as_u16();
        let headers = header_pairs(&response);
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .unwrap_or_default();
        BytesReply {
            status,
            headers,
            body,
        }
    }
}

/// An HTTP response, fully read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(carnet_core_limit())
    }

    /// Starts a server whose page size limit is `max_page_bytes`.
    pub fn start_with(max_page_bytes: usize) -> TestServer {
        TestServer::start_on(Arc::new(TestDb::new()), max_page_bytes, generous_limits())
    }

    /// Starts a server whose uploads have these limits (a tiny size limit…).
    pub fn start_with_media(limits: carnet_media::MediaLimits) -> TestServer {
        TestServer::start_configured(
            Arc::new(TestDb::new()),
            Arc::new(tempfile::tempdir().unwrap()),
            carnet_core_limit(),
            generous_limits(),
            limits,
        )
    }

    /// Starts a server with these rate limits (tests of the limits themselves).
    pub fn start_with_limits(limits: LimitConfig) -> TestServer {
        TestServer::start_on(Arc::new(TestDb::new()), carnet_core_limit(), limits)
    }

    /// Starts a second server on this server's database, as a second Carnet process
    /// would be: its own pool and state, nothing shared but the database.
    pub fn start_sharing(&self) -> TestServer {
        TestServer::start_configured(
            Arc::clone(&self.db),
            Arc::clone(&self.media),
            self.store.max_page_bytes(),
            generous_limits(),
            carnet_media::MediaLimits::default(),
        )
    }

    fn start_on(db: Arc<TestDb>, max_page_bytes: usize, limits: LimitConfig) -> TestServer {
        TestServer::start_configured(
            db,
            Arc::new(tempfile::tempdir().unwrap()),
            max_page_bytes,
            limits,
            carnet_media::MediaLimits::default(),
        )
    }

    fn start_configured(
        db: Arc<TestDb>,
        media: Arc<tempfile::TempDir>,
        max_page_bytes: usize,
        limits: LimitConfig,
        media_limits: carnet_media::MediaLimits,
    ) -> TestServer {
        let mut config = StoreConfig::new(db.url());
        config.max_page_bytes = max_page_bytes;
        config.pool_size = 12;
        let mut state = AppState::new(Store::open(&config).unwrap()).unwrap();
        state.limits = limits;
        state.blobs = carnet_store::BlobStore::local(media.path()).unwrap();
        state.media_limits = media_limits;
        let blobs = state.blobs.clone();
        let store = state.store.clone();
        if max_page_bytes >= carnet_core_limit() {
            carnet_web::seed_welcome_page(&store).unwrap();
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let config = WebConfig {
                    workers: Some(2),
                    ..WebConfig::default()
                };
                let server = carnet_web::server(listener, state, &config).unwrap();
                sender.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = receiver.recv_timeout(Duration::from_secs(30)).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        TestServer {
            base,
            agent,
            handle: Some(handle),
            thread: Some(thread),
            store,
            db,
            blobs,
            media,
        }
    }

    /// Where the server keeps uploaded files.
    pub fn blobs(&self) -> &carnet_store::BlobStore {
        &self.blobs
    }

    /// Every key of the blob store, sorted.
    pub fn blob_keys(&self) -> Vec<String> {
        let blobs = self.blobs.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move { blobs.keys().await.unwrap() })
        })
        .join()
        .unwrap()
    }

    /// Replaces a stored thumbnail's bytes (to show that the next request serves the
    /// stored one rather than making it again).
    pub fn overwrite_thumbnail(&self, sha256: &str, width: u32, bytes: &[u8]) {
        let blobs = self.blobs.clone();
        let sha256 = sha256.to_owned();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                blobs
                    .put_thumbnail(&sha256, width, bytes.into())
                    .await
                    .unwrap()
            })
        })
        .join()
        .unwrap()
    }

    /// `GET`, the body read as bytes.
    pub fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> BytesReply {
        let mut request = self.agent.get(&self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        BytesReply::read(request.call().unwrap())
    }

    /// The store behind the server, to check what really got saved.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A digest of every table (see `carnet_store::testing::fingerprint`), to show a
    /// refused request changed nothing.
    pub fn fingerprint(&self) -> BTreeMap<String, String> {
        carnet_store::testing::fingerprint(&self.store).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(&self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.call().unwrap())
    }

    /// Sends a raw body with any method and headers.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.to_owned()).unwrap();
        Reply::from(self.agent.run(request).unwrap())
    }

    /// Sends raw bytes (which need not be UTF-8) with any method and headers.
    pub fn send_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.to_vec()).unwrap();
        Reply::from(self.agent.run(request).unwrap())
    }

    /// `PUT` a JSON value to the API.
    pub fn put_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.send(
            "PUT",
            path,
            &[("Content-Type", "application/json")],
            &body.to_string(),
        )
    }

    /// Saves `text` as the page `title` through the JSON API, on top of its current
    /// revision (or creating it), and checks that it was saved.
    pub fn put_page(&self, title: &str, text: &str) {
        let current = self
            .store
            .page(&carnet_core::Title::parse(title).unwrap())
            .unwrap()
            .map(|(_, revision)| revision.meta.id.0);
        let body = match current {
            Some(base) => serde_json::json!({ "text": text, "base_revision": base }),
            None => serde_json::json!({ "text": text }),
        };
        let path = format!("/api/v1/pages/{}", encode(&title.replace(' ', "_")));
        let reply = self.put_json(&path, &body);
        assert!(
            matches!(reply.status, 200 | 201),
            "{title}: {} {}",
            reply.status,
            reply.body
        );
    }

    /// A browser logged in to a new account with `role` (password [`TEST_PASSWORD`]).
    pub fn account(&self, name: &str, role: carnet_core::Role) -> Browser<'_> {
        self.store
            .create_user(
                &carnet_core::UserName::parse(name).unwrap(),
                &TEST_PASSWORD_HASH,
                role,
            )
            .unwrap()
            .unwrap();
        let mut browser = self.browser();
        let form = browser.get("/account/login");
        browser
            .post_form(
                "/account/login",
                &[
                    ("csrf_token", &form.field("csrf_token").unwrap()),
                    ("name", name),
                    ("password", TEST_PASSWORD),
                ],
            )
            .assert_status(303);
        browser
    }

    /// The visible history of the page titled `title`, newest first (up to 100 lines).
    pub fn history(&self, title: &str) -> Vec<carnet_store::HistoryEntry> {
        self.store
            .history(&carnet_core::Title::parse(title).unwrap(), 100, None, false)
            .unwrap()
            .unwrap_or_else(|| panic!("no history for {title}"))
            .entries
    }

    /// A client that keeps cookies, like a browser.
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            server: self,
            cookies: BTreeMap::new(),
            headers: Vec::new(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            // The stop command is sent when `stop` is called; the future only waits.
            drop(handle.stop(false));
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Limits far above what any test does, so that tests about something else (eight
/// writers racing for ten seconds…) are never refused, while the counting still runs.
pub fn generous_limits() -> LimitConfig {
    let plenty = Limit::new(10_000_000, 60);
    LimitConfig {
        policy: LimitPolicy {
            signups_per_ip: plenty,
            login_failures_per_account: plenty,
            login_failures_per_ip: plenty,
            saves_per_account: plenty,
            saves_per_ip: plenty,
            creations_per_account: plenty,
            creations_per_ip: plenty,
            event_factor: 1,
        },
        trust_proxy: false,
    }
}

fn carnet_core_limit() -> usize {
    2 * 1024 * 1024
}

/// A response's headers as (name, value) pairs, values that are not text left empty.
fn header_pairs<B>(response: &ureq::http::Response<B>) -> Vec<(String, String)> {
    response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

impl From<ureq::http::Response<ureq::Body>> for Reply {
    fn from(mut response: ureq::http::Response<ureq::Body>) -> Reply {
        let status = response.status().as_u16();
        let headers = header_pairs(&response);
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Reply {
            status,
            headers,
            body,
        }
    }
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// `name=value` pairs of every `Set-Cookie`.
    pub fn set_cookies(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect()
    }

    /// The raw `Set-Cookie` header for `name`, with its attributes.
    pub fn set_cookie_line(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    /// The value of the form field `name` (an input's value or a textarea's text).
    pub fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let tag_start = self.body.get(..at)?.rfind('<')?;
        let rest = self.body.get(tag_start..)?;
        if rest.starts_with("<textarea") {
            let open_end = rest.find('>')?;
            let close = rest.find("</textarea>")?;
            return Some(html_unescape(rest.get(open_end + 1..close)?));
        }
        let tag = rest.get(..rest.find('>')?)?;
        let value_at = tag.find("value=\"")?;
        let value = tag.get(value_at + 7..)?;
        Some(html_unescape(value.get(..value.find('"')?)?))
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Reply {
        assert_eq!(self.status, status, "body: {}", self.body);
        self
    }

    /// The HTML body with entities decoded, for text assertions.
    pub fn text(&self) -> String {
        html_unescape(&self.body)
    }
}

/// Decodes the entities askama writes.
pub fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A cookie-keeping client.
pub struct Browser<'a> {
    server: &'a TestServer,
    cookies: BTreeMap<String, String>,
    headers: Vec<(String, String)>,
}

impl Browser<'_> {
    /// Adds a header to every request (e.g. `Accept-Language`).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn forget_cookies(&mut self) {
        self.cookies.clear();
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, reply: &Reply) {
        for (name, value) in reply.set_cookies() {
            self.cookies.insert(name, value);
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let cookie = self.cookie_header();
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        if !cookie.is_empty() {
            headers.push(("Cookie", cookie.as_str()));
        }
        let reply = self.server.get_with(path, &headers);
        self.remember(&reply);
        reply
    }

    /// Posts a urlencoded form.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_form_with(path, fields, &[])
    }

    pub fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        extra_headers: &[(&str, &str)],
    ) -> Reply {
        let body = fields
            .iter()
            .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let cookie = self.cookie_header();
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        headers.push(("Content-Type", "application/x-www-form-urlencoded"));
        if !cookie.is_empty() {
            headers.push(("Cookie", cookie.as_str()));
        }
        headers.extend_from_slice(extra_headers);
        let reply = self.server.send("POST", path, &headers, &body);
        self.remember(&reply);
        reply
    }

    /// Posts a multipart form: text fields, then files `(field, file name, content
    /// type, bytes)`.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Reply {
        let (content_type, body) = multipart_body(fields, files);
        let cookie = self.cookie_header();
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        headers.push(("Content-Type", content_type.as_str()));
        if !cookie.is_empty() {
            headers.push(("Cookie", cookie.as_str()));
        }
        let reply = self.server.send_bytes("POST", path, &headers, &body);
        self.remember(&reply);
        reply
    }

    /// Opens the edit form of `title_path` and submits `text`, as a person would:
    /// keeps the form's hidden fields (CSRF token, base revision).
    pub fn edit(&mut self, title_path: &str, text: &str, summary: &str) -> Reply {
        let form = self.get(&format!("/wiki/{title_path}?action=edit"));
        // 404: a new page; 403: the form is shown with why this person may not edit.
        assert!(
            matches!(form.status, 200 | 403 | 404),
            "edit form of {title_path}: {}",
            form.status
        );
        let token = form.field("csrf_token").unwrap();
        let base = form.field("base_revision").unwrap_or_default();
        self.post_form(
            &format!("/wiki/{title_path}?action=edit"),
            &[
                ("csrf_token", &token),
                ("base_revision", &base),
                ("text", text),
                ("summary", summary),
                ("do", "save"),
            ],
        )
    }
}

/// A `multipart/form-data` body and its content type.
pub fn multipart_body(
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "----carnet-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The password of the accounts [`TestServer::account`] makes.
pub const TEST_PASSWORD: &str = "une phrase de passe";
/// Its argon2id hash, computed once (hashing is slow on purpose).
pub static TEST_PASSWORD_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| carnet_web::hash_password(TEST_PASSWORD).unwrap());

/// The prefix of this year's temporary identities (`~2026-`).
pub fn temporary_prefix() -> String {
    use chrono::Datelike;
    format!("~{}-", chrono::Utc::now().year())
}

/// `application/x-www-form-urlencoded` encoding.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for byte in s.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Whether CI runs the tests (`CI` set): tests that need tools then fail, not skip.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty())
}

/// Runs a browser test script to its end, killing it past `timeout`; its report goes
/// straight to the terminal (and CI's log), passing or not.
pub fn run_to_end(
    command: &mut std::process::Command,
    timeout: Duration,
    what: &str,
) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    let mut child = command.stdin(std::process::Stdio::null()).spawn().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish in {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    eprintln!("{what}: {status} after {:.0?}", started.elapsed());
    status
}

/// A GET of any URL (another server, a proxy in front) with these headers: no
/// redirect followed, no status taken as an error, the body left as sent.
pub fn raw_get(url: &str, headers: &[(&str, &str)]) -> BytesReply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    BytesReply::read(request.call().unwrap())
}
