//! MediaWiki XML export dumps (`Special:Export`, `dumpBackup.php`), formats 0.10 and
//! 0.11, read as a stream.
//!
//! [`DumpReader`] pulls XML events from any [`BufRead`] with quick-xml and hands out the
//! site's description ([`SiteInfo`], read when the reader is made), then
//! [`DumpItem::Page`] (a page's title, namespace, id and redirect) followed by one
//! [`DumpItem::Revision`] per revision, in the dump's order. Only one revision is held
//! at a time, so memory does not grow with the dump nor with a page's history.
//! [`open`] reads a file, plain or compressed with gzip or bzip2 (told apart by their
//! first bytes, not by the file name).
//!
//! The two formats differ in details this reader does not need (0.11 moved `<origin>`
//! and `<sha1>` attributes onto `<text>`, added `<content>` slots); unknown elements are
//! skipped whole, so later versions with added elements read too.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use quick_xml::events::{BytesStart, Event};

/// The site the dump comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteInfo {
    /// `<sitename>`, e.g. "Wikiquote".
    pub site_name: String,
    /// `<dbname>`, e.g. "frwikiquote" (empty in old dumps).
    pub db_name: String,
    /// `<base>`: the URL of the main page.
    pub base: String,
    /// The export format's version (`version` of `<mediawiki>`), e.g. "0.11".
    pub version: String,
    /// The wiki's language code (`xml:lang` of `<mediawiki>`), e.g. "fr"; empty when absent.
    pub language: String,
    /// Namespace numbers and their local names (the main namespace's name is empty).
    pub namespaces: Vec<SiteNamespace>,
}

/// One namespace as the site names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteNamespace {
    pub key: i32,
    pub name: String,
}

impl SiteInfo {
    /// A stable name of the source wiki, to recognise it when imported again:
    /// the database name, else the base URL, else the site name.
    pub fn source_key(&self) -> &str {
        [&self.db_name, &self.base, &self.site_name]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or("", |s| s.as_str())
    }

    /// The local name of namespace `key` (`None` when the dump does not list it).
    pub fn namespace_name(&self, key: i32) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|ns| ns.key == key)
            .map(|ns| ns.name.as_str())
    }

    /// A page's title without its namespace prefix: `"Talk:Çullu"` in namespace 1 gives
    /// `"Çullu"`. Titles whose prefix is not the site's name for `ns` come back whole.
    pub fn strip_prefix<'t>(&self, title: &'t str, ns: i32) -> &'t str {
        if ns == 0 {
            return title;
        }
        match (self.namespace_name(ns), title.split_once(':')) {
            (Some(name), Some((prefix, rest)))
                if !name.is_empty()
                    && prefix.replace('_', " ").to_lowercase()
                        == name.replace('_', " ").to_lowercase() =>
            {
                rest
            }
            _ => title,
        }
    }
}

/// A page, before its revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHeader {
    /// The full title, namespace prefix included, as the site writes it.
    pub title: String,
    pub ns: i32,
    pub id: i64,
    /// `<redirect title="…"/>`: the page is a redirect to that title.
    pub redirect: Option<String>,
}

/// Who made a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contributor {
    /// A registered user (`id` is absent in some old dumps).
    User { name: String, id: Option<i64> },
    /// A logged-out writer, known by their IP address.
    Ip(String),
    /// Hidden by the wiki's administrators (`<contributor deleted="deleted"/>`), or absent.
    Deleted,
}

/// One revision of the current page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub timestamp: DateTime<Utc>,
    pub contributor: Contributor,
    /// The edit summary; `None` when absent or hidden (`deleted`).
    pub comment: Option<String>,
    pub minor: bool,
    /// The wikitext; `None` when hidden by the wiki (`<text deleted="deleted"/>`).
    pub text: Option<String>,
    /// The text's length in bytes as the dump states it (`<text bytes="…">`).
    pub bytes: Option<u64>,
    /// MediaWiki's base-36 SHA-1 of the text, as given.
    pub sha1: Option<String>,
    /// `wikitext`, `css`, `javascript`, `json`…
    pub model: Option<String>,
    /// `text/x-wiki`…
    pub format: Option<String>,
}

/// What the dump gives, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpItem {
    /// A new page starts; its revisions follow.
    Page(PageHeader),
    /// A revision of the last page given.
    Revision(Revision),
}

/// Why a dump cannot be read. `line` counts from 1; `offset` is in bytes of the
/// (decompressed) XML.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("cannot read the dump: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid XML at line {line} (byte {offset}): {message}")]
    Xml {
        line: u64,
        offset: u64,
        message: String,
    },
    #[error("not a MediaWiki dump at line {line} (byte {offset}): {message}")]
    Format {
        line: u64,
        offset: u64,
        message: String,
    },
}

/// An XML event reduced to what the dump needs, owned.
enum Ev {
    Start(String, Vec<(String, String)>),
    Empty(String, Vec<(String, String)>),
    End(String),
    /// Text outside the elements read as text (ignored).
    Text,
    Eof,
}

/// Where the reader is between two items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside `<mediawiki>`, between pages.
    Top,
    /// Inside `<page>`, after its header; a `<revision>` start was already read when
    /// `pending` is set.
    InPage {
        pending: bool,
    },
    Done,
}

/// Reads a dump as a stream of [`DumpItem`]s.
pub struct DumpReader<R: BufRead> {
    xml: quick_xml::Reader<R>,
    buf: Vec<u8>,
    site: SiteInfo,
    state: State,
    /// Lines seen so far (newlines in the events read), for error messages.
    line: u64,
    /// A page read with the head (a dump without `<siteinfo>`), given out first.
    pushed_back: Option<PageHeader>,
}

impl<R: BufRead> DumpReader<R> {
    /// Reads up to the end of `<siteinfo>` (or the first page).
    pub fn new(input: R) -> Result<DumpReader<R>, DumpError> {
        let mut xml = quick_xml::Reader::from_reader(input);
        xml.config_mut().check_end_names = true;
        let mut reader = DumpReader {
            xml,
            buf: Vec::with_capacity(64 * 1024),
            site: SiteInfo::default(),
            state: State::Top,
            line: 1,
            pushed_back: None,
        };
        reader.read_head()?;
        Ok(reader)
    }

    /// The site the dump comes from.
    pub fn site_info(&self) -> &SiteInfo {
        &self.site
    }

    /// Bytes of XML read so far.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position()
    }

    /// The next page or revision; `None` after `</mediawiki>`.
    pub fn next_item(&mut self) -> Result<Option<DumpItem>, DumpError> {
        if let Some(header) = self.pushed_back.take() {
            return Ok(Some(DumpItem::Page(header)));
        }
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::InPage { pending: true } => {
                    self.state = State::InPage { pending: false };
                    return Ok(Some(DumpItem::Revision(self.read_revision()?)));
                }
                State::InPage { pending: false } => match self.event()? {
                    Ev::Start(name, _) if name == "revision" => {
                        return Ok(Some(DumpItem::Revision(self.read_revision()?)));
                    }
                    Ev::Start(_, _) => self.skip()?,
                    Ev::End(name) if name == "page" => self.state = State::Top,
                    Ev::End(name) => return Err(self.format(format!("unexpected </{name}>"))),
                    Ev::Empty(_, _) | Ev::Text => {}
                    Ev::Eof => return Err(self.truncated()),
                },
                State::Top => match self.event()? {
                    Ev::Start(name, _) if name == "page" => {
                        return Ok(Some(DumpItem::Page(self.read_page_header()?)));
                    }
                    Ev::Start(_, _) => self.skip()?,
                    Ev::End(name) if name == "mediawiki" => {
                        self.state = State::Done;
                        return Ok(None);
                    }
                    Ev::End(name) => return Err(self.format(format!("unexpected </{name}>"))),
                    Ev::Empty(_, _) | Ev::Text => {}
                    Ev::Eof => return Err(self.truncated()),
                },
            }
        }
    }

    /// Up to `<mediawiki>`'s first page: the version and `<siteinfo>`.
    fn read_head(&mut self) -> Result<(), DumpError> {
        loop {
            match self.event()? {
                Ev::Start(name, attributes) if name == "mediawiki" => {
                    self.site.version = attribute(&attributes, "version").unwrap_or_default();
                    self.site.language = attribute(&attributes, "lang").unwrap_or_default();
                    break;
                }
                Ev::Start(name, _) | Ev::Empty(name, _) => {
                    return Err(self.format(format!(
                        "the document starts with <{name}>, not <mediawiki>"
                    )));
                }
                Ev::Eof => return Err(self.format("no <mediawiki> element".to_owned())),
                Ev::End(_) | Ev::Text => {}
            }
        }
        // <siteinfo> comes first when present; a page may come first in odd dumps.
        loop {
            match self.event()? {
                Ev::Start(name, _) if name == "siteinfo" => return self.read_siteinfo(),
                Ev::Start(name, _) if name == "page" => {
                    // No siteinfo: hand the page out at the first `next_item`.
                    let header = self.read_page_header()?;
                    self.pushed_back = Some(header);
                    return Ok(());
                }
                Ev::Start(_, _) => self.skip()?,
                Ev::End(name) if name == "mediawiki" => {
                    self.state = State::Done;
                    return Ok(());
                }
                Ev::Eof => return Err(self.truncated()),
                Ev::Empty(_, _) | Ev::End(_) | Ev::Text => {}
            }
        }
    }

    fn read_siteinfo(&mut self) -> Result<(), DumpError> {
        loop {
            match self.event()? {
                Ev::Start(name, attributes) => match name.as_str() {
                    "sitename" => self.site.site_name = self.read_text()?,
                    "dbname" => self.site.db_name = self.read_text()?,
                    "base" => self.site.base = self.read_text()?,
                    "namespaces" => {}
                    "namespace" => {
                        let key = self.number_attribute(&attributes, "key")?;
                        let name = self.read_text()?;
                        self.site.namespaces.push(SiteNamespace { key, name });
                    }
                    _ => self.skip()?,
                },
                Ev::Empty(name, attributes) if name == "namespace" => {
                    let key = self.number_attribute(&attributes, "key")?;
                    self.site.namespaces.push(SiteNamespace {
                        key,
                        name: String::new(),
                    });
                }
                Ev::End(name) if name == "siteinfo" => return Ok(()),
                Ev::Eof => return Err(self.truncated()),
                Ev::Empty(_, _) | Ev::End(_) | Ev::Text => {}
            }
        }
    }

    /// After `<page>`: the header, up to the first `<revision>` (left pending) or
    /// `</page>`.
    fn read_page_header(&mut self) -> Result<PageHeader, DumpError> {
        let mut title = None;
        let mut ns = None;
        let mut id = None;
        let mut redirect = None;
        let state = loop {
            match self.event()? {
                Ev::Start(name, attributes) => match name.as_str() {
                    "title" => title = Some(self.read_text()?),
                    "ns" => ns = Some(self.read_number()?),
                    "id" => id = Some(self.read_number()?),
                    "redirect" => {
                        redirect = attribute(&attributes, "title");
                        self.skip()?;
                    }
                    "revision" => break State::InPage { pending: true },
                    _ => self.skip()?,
                },
                Ev::Empty(name, attributes) if name == "redirect" => {
                    redirect = attribute(&attributes, "title");
                }
                Ev::End(name) if name == "page" => break State::Top,
                Ev::End(name) => return Err(self.format(format!("unexpected </{name}>"))),
                Ev::Eof => return Err(self.truncated()),
                Ev::Empty(_, _) | Ev::Text => {}
            }
        };
        let title = title.ok_or_else(|| self.format("a page without <title>".to_owned()))?;
        let ns = ns.unwrap_or_else(|| i32::try_from(self.guess_ns(&title)).unwrap_or(0));
        self.state = state;
        Ok(PageHeader {
            title,
            ns,
            id: id.unwrap_or(0),
            redirect,
        })
    }

    /// Old dumps have no `<ns>`: the namespace from the title's prefix.
    fn guess_ns(&self, title: &str) -> i64 {
        let Some((prefix, _)) = title.split_once(':') else {
            return 0;
        };
        self.site
            .namespaces
            .iter()
            .find(|ns| !ns.name.is_empty() && ns.name.eq_ignore_ascii_case(prefix))
            .map_or(0, |ns| i64::from(ns.key))
    }

    /// After `<revision>`: up to `</revision>`.
    fn read_revision(&mut self) -> Result<Revision, DumpError> {
        let mut id = None;
        let mut parent_id = None;
        let mut timestamp = None;
        let mut contributor = Contributor::Deleted;
        let mut comment = None;
        let mut minor = false;
        let mut text = None;
        let mut bytes = None;
        let mut sha1 = None;
        let mut model = None;
        let mut format = None;
        loop {
            match self.event()? {
                Ev::Start(name, attributes) => match name.as_str() {
                    "id" => id = Some(self.read_number()?),
                    "parentid" => parent_id = Some(self.read_number()?),
                    "timestamp" => {
                        let raw = self.read_text()?;
                        timestamp = Some(
                            DateTime::parse_from_rfc3339(raw.trim())
                                .map_err(|e| self.format(format!("timestamp {raw:?}: {e}")))?
                                .with_timezone(&Utc),
                        );
                    }
                    "contributor" => {
                        contributor = if is_deleted(&attributes) {
                            self.skip()?;
                            Contributor::Deleted
                        } else {
                            self.read_contributor()?
                        }
                    }
                    "comment" => {
                        let value = self.read_text()?;
                        if !is_deleted(&attributes) {
                            comment = Some(value);
                        }
                    }
                    "minor" => {
                        minor = true;
                        self.skip()?;
                    }
                    "text" => {
                        bytes = attribute(&attributes, "bytes").and_then(|b| b.parse().ok());
                        let value = self.read_text()?;
                        if !is_deleted(&attributes) {
                            text = Some(value);
                        }
                    }
                    "sha1" => sha1 = Some(self.read_text()?),
                    "model" => model = Some(self.read_text()?),
                    "format" => format = Some(self.read_text()?),
                    _ => self.skip()?,
                },
                Ev::Empty(name, attributes) => match name.as_str() {
                    "minor" => minor = true,
                    // `<text bytes="0" />`: an empty text, unless hidden.
                    "text" if !is_deleted(&attributes) => {
                        bytes = attribute(&attributes, "bytes").and_then(|b| b.parse().ok());
                        text = Some(String::new());
                    }
                    "comment" if !is_deleted(&attributes) => comment = Some(String::new()),
                    _ => {}
                },
                Ev::End(name) if name == "revision" => break,
                Ev::End(name) => return Err(self.format(format!("unexpected </{name}>"))),
                Ev::Eof => return Err(self.truncated()),
                Ev::Text => {}
            }
        }
        let id = id.ok_or_else(|| self.format("a revision without <id>".to_owned()))?;
        let timestamp =
            timestamp.ok_or_else(|| self.format(format!("revision {id} has no <timestamp>")))?;
        Ok(Revision {
            id,
            parent_id,
            timestamp,
            contributor,
            comment,
            minor,
            text,
            bytes,
            sha1,
            model,
            format,
        })
    }

    fn read_contributor(&mut self) -> Result<Contributor, DumpError> {
        let mut name = None;
        let mut id = None;
        let mut ip = None;
        loop {
            match self.event()? {
                Ev::Start(element, _) => match element.as_str() {
                    "username" => name = Some(self.read_text()?),
                    "id" => id = Some(self.read_number()?),
                    "ip" => ip = Some(self.read_text()?),
                    _ => self.skip()?,
                },
                Ev::End(element) if element == "contributor" => break,
                Ev::End(element) => {
                    return Err(self.format(format!("unexpected </{element}>")));
                }
                Ev::Eof => return Err(self.truncated()),
                Ev::Empty(_, _) | Ev::Text => {}
            }
        }
        Ok(match (name, ip) {
            (Some(name), _) if !name.trim().is_empty() => Contributor::User { name, id },
            (_, Some(ip)) if !ip.trim().is_empty() => Contributor::Ip(ip),
            _ => Contributor::Deleted,
        })
    }

    /// The text content of the element just started, up to its end (entities resolved).
    fn read_text(&mut self) -> Result<String, DumpError> {
        let mut buf = std::mem::take(&mut self.buf);
        let text = self.read_text_with(&mut buf);
        self.buf = buf;
        text
    }

    fn read_text_with(&mut self, buf: &mut Vec<u8>) -> Result<String, DumpError> {
        let mut text = String::new();
        let mut depth = 0_usize;
        loop {
            buf.clear();
            let event = self.xml.read_event_into(buf);
            let event = match event {
                Ok(event) => event,
                Err(error) => return Err(self.xml_error(&error.to_string())),
            };
            match event {
                Event::Text(content) => {
                    self.line += newlines(&content);
                    let decoded = content
                        .xml10_content()
                        .map_err(|e| self.xml_error(&e.to_string()))?;
                    text.push_str(&decoded);
                }
                Event::CData(content) => {
                    self.line += newlines(&content);
                    let decoded = content
                        .decode()
                        .map_err(|e| self.xml_error(&e.to_string()))?;
                    text.push_str(&decoded);
                }
                Event::GeneralRef(reference) => {
                    if let Some(c) = reference
                        .resolve_char_ref()
                        .map_err(|e| self.xml_error(&e.to_string()))?
                    {
                        text.push(c);
                    } else {
                        let name = reference
                            .decode()
                            .map_err(|e| self.xml_error(&e.to_string()))?
                            .into_owned();
                        match quick_xml::escape::resolve_xml_entity(&name) {
                            Some(value) => text.push_str(value),
                            None => {
                                return Err(self.xml_error(&format!("unknown entity &{name};")));
                            }
                        }
                    }
                }
                Event::Start(start) => {
                    self.line += newlines(&start);
                    depth += 1;
                }
                Event::End(_) if depth > 0 => depth -= 1,
                Event::End(_) => return Ok(text),
                Event::Eof => return Err(self.truncated()),
                Event::Empty(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_) => {}
            }
        }
    }

    fn read_number<T: std::str::FromStr>(&mut self) -> Result<T, DumpError> {
        let raw = self.read_text()?;
        raw.trim()
            .parse()
            .map_err(|_| self.format(format!("{raw:?} is not a number")))
    }

    fn number_attribute(
        &self,
        attributes: &[(String, String)],
        name: &str,
    ) -> Result<i32, DumpError> {
        let raw = attribute(attributes, name).unwrap_or_default();
        raw.trim()
            .parse()
            .map_err(|_| self.format(format!("{name}={raw:?} is not a number")))
    }

    /// Skips the element just started, whatever it holds.
    fn skip(&mut self) -> Result<(), DumpError> {
        let mut depth = 0_usize;
        loop {
            match self.event()? {
                Ev::Start(_, _) => depth += 1,
                Ev::End(_) if depth > 0 => depth -= 1,
                Ev::End(_) => return Ok(()),
                Ev::Eof => return Err(self.truncated()),
                Ev::Empty(_, _) | Ev::Text => {}
            }
        }
    }

    /// The next event that matters, owned.
    fn event(&mut self) -> Result<Ev, DumpError> {
        let mut buf = std::mem::take(&mut self.buf);
        let event = self.event_with(&mut buf);
        self.buf = buf;
        event
    }

    fn event_with(&mut self, buf: &mut Vec<u8>) -> Result<Ev, DumpError> {
        loop {
            buf.clear();
            let event = match self.xml.read_event_into(buf) {
                Ok(event) => event,
                Err(error) => return Err(self.xml_error(&error.to_string())),
            };
            return Ok(match event {
                Event::Start(start) => {
                    self.line += newlines(&start);
                    let (name, attributes) = element(&start).map_err(|e| self.xml_error(&e))?;
                    Ev::Start(name, attributes)
                }
                Event::Empty(start) => {
                    self.line += newlines(&start);
                    let (name, attributes) = element(&start).map_err(|e| self.xml_error(&e))?;
                    Ev::Empty(name, attributes)
                }
                Event::End(end) => {
                    Ev::End(String::from_utf8_lossy(end.local_name().as_ref()).into_owned())
                }
                Event::Text(content) => {
                    self.line += newlines(&content);
                    if content.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    Ev::Text
                }
                Event::CData(content) => {
                    self.line += newlines(&content);
                    Ev::Text
                }
                Event::Comment(content) => {
                    self.line += newlines(&content);
                    continue;
                }
                Event::GeneralRef(_) => Ev::Text,
                Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                Event::Eof => Ev::Eof,
            });
        }
    }

    fn xml_error(&self, message: &str) -> DumpError {
        DumpError::Xml {
            line: self.line,
            offset: self.xml.error_position(),
            message: message.to_owned(),
        }
    }

    fn format(&self, message: String) -> DumpError {
        DumpError::Format {
            line: self.line,
            offset: self.xml.buffer_position(),
            message,
        }
    }

    fn truncated(&self) -> DumpError {
        self.format("the dump ends before </mediawiki> (truncated?)".to_owned())
    }
}

impl<R: BufRead> Iterator for DumpReader<R> {
    type Item = Result<DumpItem, DumpError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_item() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => None,
            Err(error) => {
                // One error ends the stream.
                self.state = State::Done;
                Some(Err(error))
            }
        }
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn element(start: &BytesStart<'_>) -> Result<(String, Vec<(String, String)>), String> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        attributes.push((key, value));
    }
    Ok((name, attributes))
}

fn attribute(attributes: &[(String, String)], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
}

fn is_deleted(attributes: &[(String, String)]) -> bool {
    attributes.iter().any(|(key, _)| key == "deleted")
}

/// Counts the bytes read from a file, for a progress bar over a compressed dump.
#[derive(Debug, Clone, Default)]
pub struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    count: BytesRead,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// How a dump file is compressed, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
}

impl Compression {
    /// gzip starts with 1f 8b, bzip2 with "BZh".
    pub fn detect(first_bytes: &[u8]) -> Compression {
        if first_bytes.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if first_bytes.starts_with(b"BZh") {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }
}

/// A dump file opened for reading: its reader, its size on disk and a counter of the
/// bytes read from it so far (for progress).
pub struct OpenedDump {
    pub reader: DumpReader<Box<dyn BufRead + Send>>,
    pub compression: Compression,
    pub file_size: u64,
    pub bytes_read: BytesRead,
}

/// Opens a dump file, plain or compressed (gzip, bzip2), and reads its site info.
pub fn open(path: &Path) -> Result<OpenedDump, DumpError> {
    let file = File::open(path)?;
    let file_size = file.metadata()?.len();
    let bytes_read = BytesRead::default();
    let counting = Counting {
        inner: file,
        count: bytes_read.clone(),
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, counting);
    let compression = Compression::detect(buffered.fill_buf()?);
    let input: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )),
        Compression::Bzip2 => Box::new(BufReader::with_capacity(
            256 * 1024,
            bzip2::bufread::MultiBzDecoder::new(buffered),
        )),
    };
    Ok(OpenedDump {
        reader: DumpReader::new(input)?,
        compression,
        file_size,
        bytes_read,
    })
}

/// Pages and revisions counted, for a quick look at a dump (`carnet import` checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub pages: u64,
    pub revisions: u64,
    /// Revisions per page title.
    pub by_page: HashMap<String, u64>,
}

/// Reads a whole dump and counts its pages and revisions.
pub fn count<R: BufRead>(reader: &mut DumpReader<R>) -> Result<Counts, DumpError> {
    let mut counts = Counts::default();
    let mut current = String::new();
    while let Some(item) = reader.next_item()? {
        match item {
            DumpItem::Page(page) => {
                counts.pages += 1;
                counts.by_page.entry(page.title.clone()).or_insert(0);
                current = page.title;
            }
            DumpItem::Revision(_) => {
                counts.revisions += 1;
                *counts.by_page.entry(current.clone()).or_insert(0) += 1;
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests;
