//! Carnet's own dumps: a whole wiki as MediaWiki XML (export format 0.11), written and
//! read back as a stream (`carnet export`, `carnet import carnet`).
//!
//! What MediaWiki's format can say is said its way, so that MediaWiki's tools and
//! [`crate::dump::DumpReader`] read the pages and revisions: `<siteinfo>` with the
//! French namespace names and their keys, `<page>` with `<title>`, `<ns>`, `<id>`,
//! `<redirect title="…"/>`, `<revision>` with `<id>`, `<parentid>`, `<timestamp>`
//! (seconds, UTC), `<contributor>` (`<username>`, `<id>` for accounts), `<minor/>`,
//! `<comment>`, `<model>carnet-wikitext</model>`, `<format>text/x-carnet-markdown</format>`
//! (the text is Carnet's Markdown wikitext, not MediaWiki's), `<text bytes sha1
//! xml:space="preserve">` and `<sha1>` (base 36 of the SHA-1 of the text, as MediaWiki
//! computes it), and each file version as an `<upload>` of its `Fichier:` page
//! (`<timestamp>`, `<contributor>`, `<comment>`, `<filename>`, `<src>`, `<size>`, and
//! `<contents encoding="base64">` when the bytes are included).
//!
//! Everything else lives in elements of the namespace [`CARNET_NS`] (prefix `carnet:`),
//! which MediaWiki readers skip: `<carnet:users>` (accounts: id, name, role, creation,
//! temporary; the password hash only when asked for), `<carnet:pageinfo>` (creation and touch times to the nanosecond, the
//! current revision — absent for a deleted page), `<carnet:revinfo>` (exact time, size,
//! SHA-256, hidden and deleted flags), `<carnet:fileinfo>` (every `file_versions`
//! column), `<carnet:origin>` (where an imported page or revision came from) and
//! `<carnet:rawtext encoding="base64">` for the rare text holding characters XML 1.0
//! cannot carry at all (control characters other than tab and newline, U+FFFE,
//! U+FFFF): `<text>` then shows them as U+FFFD and `rawtext` has the exact text. Local
//! names never repeat MediaWiki's (`text`, `id`, `page`…), because readers that ignore
//! namespaces would take them for their own. A carriage return is written `&#13;` and
//! tabs and newlines in attributes as character references, so nothing is normalised
//! away by a reader.

use std::borrow::Cow;
use std::io::{BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use carnet_core::{
    ArchiveFile, ArchiveItem, ArchiveOrigin, ArchivePage, ArchiveRevision, ArchiveUser, Namespace,
    Title, mime_of_kind,
};
use chrono::{DateTime, Utc};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use sha1::Digest as _;

use crate::dump::DumpError;

/// The XML namespace of Carnet's extension elements.
pub const CARNET_NS: &str = "https://carnet.wiki/export-1";
/// MediaWiki's export format this writer follows.
pub const MEDIAWIKI_NS: &str = "http://www.mediawiki.org/xml/export-0.11/";
/// `<model>` of every revision: the text is Carnet's wikitext.
pub const MODEL: &str = "carnet-wikitext";
/// `<format>` of every revision.
pub const FORMAT: &str = "text/x-carnet-markdown";

/// What `<siteinfo>` says of the wiki.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSite {
    pub site_name: String,
    /// `<dbname>`: a key naming this wiki.
    pub db_name: String,
    /// `<base>`: the main page's URL, when known (empty: left out).
    pub base: String,
    /// `<generator>`, e.g. "Carnet 0.1.0".
    pub generator: String,
}

/// Why a dump cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write the dump: {0}")]
    Io(#[from] std::io::Error),
    /// A short field (title, name, comment…) holds a character XML 1.0 cannot carry;
    /// Carnet's input checks should make this impossible.
    #[error("{what} holds the character U+{code:04X}, which XML cannot carry")]
    Unwritable { what: String, code: u32 },
    #[error("a {0} came outside of the order users, then pages with their revisions and files")]
    Order(&'static str),
}

fn xml_error(error: std::io::Error) -> WriteError {
    WriteError::Io(error)
}

/// Where the writer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    Users,
    Page,
}

/// Writes a dump item by item (see the module documentation for the format).
pub struct CarnetWriter<W: Write> {
    xml: quick_xml::Writer<W>,
    place: Place,
    /// The current page's title (an upload's file name).
    title: Option<Title>,
}

impl<W: Write> CarnetWriter<W> {
    /// Writes the XML declaration, the root element and `<siteinfo>`.
    pub fn new(out: W, site: &ExportSite) -> Result<CarnetWriter<W>, WriteError> {
        let mut writer = CarnetWriter {
            xml: quick_xml::Writer::new(out),
            place: Place::Top,
            title: None,
        };
        writer
            .xml
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(xml_error)?;
        writer.newline(0)?;
        writer.start(
            "mediawiki",
            &[
                ("xmlns", MEDIAWIKI_NS.into()),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance".into()),
                (
                    "xsi:schemaLocation",
                    "http://www.mediawiki.org/xml/export-0.11/ http://www.mediawiki.org/xml/export-0.11.xsd"
                        .into(),
                ),
                ("xmlns:carnet", CARNET_NS.into()),
                ("version", "0.11".into()),
                ("xml:lang", "fr".into()),
            ],
        )?;
        writer.newline(1)?;
        writer.start("siteinfo", &[])?;
        writer.newline(2)?;
        writer.element("sitename", &[], &site.site_name, "the site name")?;
        writer.newline(2)?;
        writer.element("dbname", &[], &site.db_name, "the database name")?;
        if !site.base.is_empty() {
            writer.newline(2)?;
            writer.element("base", &[], &site.base, "the base URL")?;
        }
        writer.newline(2)?;
        writer.element("generator", &[], &site.generator, "the generator")?;
        writer.newline(2)?;
        writer.element("case", &[], "first-letter", "")?;
        writer.newline(2)?;
        writer.start("namespaces", &[])?;
        for namespace in Namespace::ALL {
            writer.newline(3)?;
            let attributes = [
                ("key", namespace.id().to_string().into()),
                ("case", "first-letter".into()),
            ];
            if namespace == Namespace::Main {
                writer.empty("namespace", &attributes)?;
            } else {
                writer.element(
                    "namespace",
                    &attributes,
                    namespace.canonical_name(),
                    "a namespace",
                )?;
            }
        }
        writer.newline(2)?;
        writer.end("namespaces")?;
        writer.newline(1)?;
        writer.end("siteinfo")?;
        Ok(writer)
    }

    /// Writes one item; `contents` are a file version's bytes, put inside the dump
    /// (`None`: by reference only). Items must come in the order users, then each page
    /// followed by its revisions and file versions.
    pub fn item(&mut self, item: &ArchiveItem, contents: Option<&[u8]>) -> Result<(), WriteError> {
        match item {
            ArchiveItem::User(user) => self.user(user),
            ArchiveItem::Page(page) => self.page(page),
            ArchiveItem::Revision(revision) => self.revision(revision),
            ArchiveItem::File(file) => self.file(file, contents),
        }
    }

    /// Closes what is open and the root element; gives the output back.
    pub fn finish(mut self) -> Result<W, WriteError> {
        self.close()?;
        self.newline(0)?;
        self.end("mediawiki")?;
        self.raw("\n")?;
        let mut out = self.xml.into_inner();
        out.flush()?;
        Ok(out)
    }

    fn close(&mut self) -> Result<(), WriteError> {
        match self.place {
            Place::Top => {}
            Place::Users => {
                self.newline(1)?;
                self.end("carnet:users")?;
            }
            Place::Page => {
                self.newline(1)?;
                self.end("page")?;
            }
        }
        self.place = Place::Top;
        Ok(())
    }

    fn user(&mut self, user: &ArchiveUser) -> Result<(), WriteError> {
        match self.place {
            Place::Users => {}
            Place::Top => {
                self.newline(1)?;
                self.start("carnet:users", &[])?;
                self.place = Place::Users;
            }
            Place::Page => return Err(WriteError::Order("user")),
        }
        self.newline(2)?;
        let mut attributes = vec![
            ("id", user.id.to_string().into()),
            ("name", attr(&user.name, "a user name")?),
            ("role", attr(&user.role, "a role")?),
            ("created", time(user.created_at).into()),
            ("temporary", user.temporary.to_string().into()),
        ];
        if let Some(hash) = &user.password_hash {
            attributes.push(("password-hash", attr(hash, "a password hash")?));
        }
        self.empty("carnet:user", &attributes)
    }

    fn page(&mut self, page: &ArchivePage) -> Result<(), WriteError> {
        self.close()?;
        self.newline(1)?;
        self.start("page", &[])?;
        self.place = Place::Page;
        self.title = Some(page.title.clone());
        self.newline(2)?;
        self.element("title", &[], &page.title.to_string(), "a title")?;
        self.newline(2)?;
        self.element("ns", &[], &page.title.namespace().id().to_string(), "")?;
        self.newline(2)?;
        self.element("id", &[], &page.id.to_string(), "")?;
        if let Some(target) = &page.redirect {
            self.newline(2)?;
            self.empty(
                "redirect",
                &[("title", attr(&target.to_string(), "a redirect")?)],
            )?;
        }
        self.newline(2)?;
        let mut info = vec![
            ("created", time(page.created_at).into()),
            ("touched", time(page.touched_at).into()),
        ];
        if let Some(latest) = page.latest {
            info.push(("latest", latest.to_string().into()));
        }
        self.empty("carnet:pageinfo", &info)?;
        self.origins(&page.origins, 2)
    }

    fn origins(&mut self, origins: &[ArchiveOrigin], depth: usize) -> Result<(), WriteError> {
        for origin in origins {
            self.newline(depth)?;
            self.empty(
                "carnet:origin",
                &[
                    ("source", attr(&origin.source, "an import source")?),
                    ("id", origin.id.to_string().into()),
                ],
            )?;
        }
        Ok(())
    }

    fn contributor(&mut self, name: &str, id: Option<i64>) -> Result<(), WriteError> {
        self.newline(3)?;
        self.start("contributor", &[])?;
        self.newline(4)?;
        self.element("username", &[], name, "an author")?;
        if let Some(id) = id {
            self.newline(4)?;
            self.element("id", &[], &id.to_string(), "")?;
        }
        self.newline(3)?;
        self.end("contributor")
    }

    fn revision(&mut self, revision: &ArchiveRevision) -> Result<(), WriteError> {
        if self.place != Place::Page {
            return Err(WriteError::Order("revision"));
        }
        self.newline(2)?;
        self.start("revision", &[])?;
        self.newline(3)?;
        self.element("id", &[], &revision.id.to_string(), "")?;
        if let Some(parent) = revision.parent_id {
            self.newline(3)?;
            self.element("parentid", &[], &parent.to_string(), "")?;
        }
        self.newline(3)?;
        self.element("timestamp", &[], &mediawiki_time(revision.created_at), "")?;
        self.contributor(&revision.author, revision.user_id)?;
        if revision.minor {
            self.newline(3)?;
            self.empty("minor", &[])?;
        }
        if !revision.comment.is_empty() {
            self.newline(3)?;
            self.element("comment", &[], &revision.comment, "a summary")?;
        }
        self.newline(3)?;
        self.element("model", &[], MODEL, "")?;
        self.newline(3)?;
        self.element("format", &[], FORMAT, "")?;
        // The text as XML can carry it (exact unless it holds unwritable characters).
        let shown: Cow<'_, str> = if revision.text.chars().all(writable) {
            Cow::Borrowed(&revision.text)
        } else {
            Cow::Owned(
                revision
                    .text
                    .chars()
                    .map(|c| if writable(c) { c } else { '\u{FFFD}' })
                    .collect(),
            )
        };
        let sha1 = mediawiki_sha1(shown.as_bytes());
        self.newline(3)?;
        self.element(
            "text",
            &[
                ("bytes", shown.len().to_string().into()),
                ("sha1", sha1.clone().into()),
                ("xml:space", "preserve".into()),
            ],
            &shown,
            "a text",
        )?;
        self.newline(3)?;
        self.element("sha1", &[], &sha1, "")?;
        self.newline(3)?;
        let mut info = vec![
            ("at", time(revision.created_at).into()),
            ("size", revision.size.to_string().into()),
            ("sha256", attr(&revision.sha256, "a hash")?),
        ];
        if revision.text_hidden {
            info.push(("hidden", "true".into()));
        }
        if revision.deleted {
            info.push(("deleted", "true".into()));
        }
        self.empty("carnet:revinfo", &info)?;
        if let Cow::Owned(_) = shown {
            self.newline(3)?;
            self.start("carnet:rawtext", &[("encoding", "base64".into())])?;
            self.base64(revision.text.as_bytes())?;
            self.end("carnet:rawtext")?;
        }
        self.origins(&revision.origins, 3)?;
        self.newline(2)?;
        self.end("revision")
    }

    fn file(&mut self, file: &ArchiveFile, contents: Option<&[u8]>) -> Result<(), WriteError> {
        let Some(title) = self.title.clone().filter(|_| self.place == Place::Page) else {
            return Err(WriteError::Order("file version"));
        };
        self.newline(2)?;
        self.start("upload", &[])?;
        self.newline(3)?;
        self.element("timestamp", &[], &mediawiki_time(file.uploaded_at), "")?;
        self.contributor(&file.uploader, file.uploader_id)?;
        if !file.comment.is_empty() {
            self.newline(3)?;
            self.element("comment", &[], &file.comment, "an upload summary")?;
        }
        self.newline(3)?;
        self.element("filename", &[], title.name(), "a file name")?;
        self.newline(3)?;
        let src = format!("/media/{}/{}", file.sha256, title.name().replace(' ', "_"));
        self.element("src", &[], &src, "a file address")?;
        self.newline(3)?;
        self.element("size", &[], &file.bytes.to_string(), "")?;
        if let Some(contents) = contents {
            self.newline(3)?;
            self.start("contents", &[("encoding", "base64".into())])?;
            self.base64(contents)?;
            self.end("contents")?;
        }
        self.newline(3)?;
        let mut info = vec![
            ("id", file.id.to_string().into()),
            ("sha256", attr(&file.sha256, "a file hash")?),
            ("kind", attr(&file.kind, "a file kind")?),
            ("mime", mime_of_kind(&file.kind).into()),
            ("author", attr(&file.author, "a file's author")?),
            ("source", attr(&file.source, "a file's source")?),
            ("licence", attr(&file.licence, "a licence")?),
            ("at", time(file.uploaded_at).into()),
        ];
        if let Some(width) = file.width {
            info.push(("width", width.to_string().into()));
        }
        if let Some(height) = file.height {
            info.push(("height", height.to_string().into()));
        }
        if let Some(from) = file.restored_from {
            info.push(("restored-from", from.to_string().into()));
        }
        self.empty("carnet:fileinfo", &info)?;
        self.newline(2)?;
        self.end("upload")
    }

    /// Base 64 in slices, so a large file is never encoded whole in memory.
    fn base64(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        for chunk in bytes.chunks(3 * 16 * 1024) {
            let encoded = BASE64.encode(chunk);
            self.raw(&encoded)?;
        }
        Ok(())
    }

    fn newline(&mut self, depth: usize) -> Result<(), WriteError> {
        let mut text = String::with_capacity(1 + 2 * depth);
        text.push('\n');
        for _ in 0..depth {
            text.push_str("  ");
        }
        self.raw(&text)
    }

    /// Text already escaped (or needing none).
    fn raw(&mut self, text: &str) -> Result<(), WriteError> {
        self.xml
            .write_event(Event::Text(BytesText::from_escaped(text)))
            .map_err(xml_error)?;
        Ok(())
    }

    fn open(name: &str, attributes: &[(&str, Cow<'_, str>)]) -> BytesStart<'static> {
        let mut start = BytesStart::new(name.to_owned());
        for (key, value) in attributes {
            start.push_attribute(Attribute::from((key.as_bytes(), value.as_bytes())));
        }
        start
    }

    fn start(&mut self, name: &str, attributes: &[(&str, Cow<'_, str>)]) -> Result<(), WriteError> {
        self.xml
            .write_event(Event::Start(Self::open(name, attributes)))
            .map_err(xml_error)?;
        Ok(())
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, Cow<'_, str>)]) -> Result<(), WriteError> {
        self.xml
            .write_event(Event::Empty(Self::open(name, attributes)))
            .map_err(xml_error)?;
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), WriteError> {
        self.xml
            .write_event(Event::End(BytesEnd::new(name.to_owned())))
            .map_err(xml_error)?;
        Ok(())
    }

    /// `<name attributes>text</name>`, the text escaped (`what` names it in errors).
    fn element(
        &mut self,
        name: &str,
        attributes: &[(&str, Cow<'_, str>)],
        text: &str,
        what: &str,
    ) -> Result<(), WriteError> {
        let escaped = escape(text, false, what)?;
        if escaped.is_empty() {
            return self.empty(name, attributes);
        }
        self.start(name, attributes)?;
        self.raw(&escaped)?;
        self.end(name)
    }
}

/// Whether XML 1.0 can carry `c` at all (even as a character reference).
fn writable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for content (`&`, `<`, `>`, CR) or for a double-quoted attribute (also
/// `"`, tab and newline, which attribute normalisation would turn into spaces).
fn escape<'t>(text: &'t str, attribute: bool, what: &str) -> Result<Cow<'t, str>, WriteError> {
    let needs = |c: char| {
        matches!(c, '&' | '<' | '>' | '\r')
            || (attribute && matches!(c, '"' | '\t' | '\n'))
            || !writable(c)
    };
    if !text.chars().any(needs) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c if !writable(c) => {
                return Err(WriteError::Unwritable {
                    what: what.to_owned(),
                    code: u32::from(c),
                });
            }
            c => out.push(c),
        }
    }
    Ok(Cow::Owned(out))
}

fn attr<'t>(value: &'t str, what: &str) -> Result<Cow<'t, str>, WriteError> {
    escape(value, true, what)
}

/// Exact time: `2026-11-29T09:21:50.123456789Z` (as many fraction digits as stored).
fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

/// MediaWiki's `<timestamp>`: whole seconds.
fn mediawiki_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// MediaWiki's `<sha1>`: the SHA-1 of the text in base 36, 31 digits, zero-padded.
pub fn mediawiki_sha1(bytes: &[u8]) -> String {
    let digest = sha1::Sha1::digest(bytes);
    let mut number: Vec<u8> = digest.to_vec();
    let mut digits = Vec::with_capacity(31);
    while number.iter().any(|&b| b != 0) {
        let mut remainder = 0_u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = u8::try_from(value / 36).unwrap_or(0);
            remainder = value % 36;
        }
        digits.push(char::from_digit(remainder, 36).unwrap_or('0'));
    }
    while digits.len() < 31 {
        digits.push('0');
    }
    digits.iter().rev().collect()
}

// Reading.

/// One item read back, with a file version's bytes when the dump holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarnetEntry {
    pub item: ArchiveItem,
    pub contents: Option<Vec<u8>>,
}

/// An element read whole (small: one revision, one upload, one header field).
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|child| child.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadPlace {
    Top,
    Users,
    /// Inside `<page>`; its header given out.
    Page {
        id: i64,
    },
    Done,
}

/// Reads a Carnet dump as a stream of [`CarnetEntry`]s. A MediaWiki dump not written
/// by Carnet is refused at once (no `carnet` namespace on the root element).
pub struct CarnetReader<R: BufRead> {
    xml: quick_xml::Reader<R>,
    buf: Vec<u8>,
    place: ReadPlace,
    line: u64,
    site: ExportSite,
    /// A page's first revision or upload, read with its header.
    pending: Option<Node>,
    /// The last element event was an empty tag (nothing to read to its end).
    last_was_empty: bool,
}

enum Ev {
    Start(Node),
    Empty(Node),
    End(String),
    Eof,
}

impl<R: BufRead> CarnetReader<R> {
    /// Reads the root element and `<siteinfo>`.
    pub fn new(input: R) -> Result<CarnetReader<R>, DumpError> {
        let mut xml = quick_xml::Reader::from_reader(input);
        xml.config_mut().check_end_names = true;
        let mut reader = CarnetReader {
            xml,
            buf: Vec::with_capacity(64 * 1024),
            place: ReadPlace::Top,
            line: 1,
            site: ExportSite::default(),
            pending: None,
            last_was_empty: false,
        };
        let root = loop {
            match reader.event()? {
                Ev::Start(node) => break node,
                Ev::Empty(node) => {
                    return Err(reader.format(format!("the document is an empty <{}>", node.name)));
                }
                Ev::End(_) => {}
                Ev::Eof => return Err(reader.format("an empty document".to_owned())),
            }
        };
        if root.name != "mediawiki" {
            return Err(reader.format(format!(
                "the document starts with <{}>, not <mediawiki>",
                root.name
            )));
        }
        if root.attribute("xmlns:carnet") != Some(CARNET_NS) {
            return Err(reader.format(format!(
                "a MediaWiki dump not written by `carnet export` (no xmlns:carnet=\"{CARNET_NS}\"): \
                 use `carnet import mediawiki`"
            )));
        }
        match reader.event()? {
            Ev::Start(node) if node.name == "siteinfo" => {
                let info = reader.read_node(node)?;
                let text =
                    |name: &str| info.child(name).map(|n| n.text.clone()).unwrap_or_default();
                reader.site = ExportSite {
                    site_name: text("sitename"),
                    db_name: text("dbname"),
                    base: text("base"),
                    generator: text("generator"),
                };
            }
            _ => return Err(reader.format("no <siteinfo> after <mediawiki>".to_owned())),
        }
        Ok(reader)
    }

    pub fn site(&self) -> &ExportSite {
        &self.site
    }

    /// Bytes of XML read so far.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position()
    }

    /// The next item; `None` after `</mediawiki>`.
    pub fn next_entry(&mut self) -> Result<Option<CarnetEntry>, DumpError> {
        if let (Some(node), ReadPlace::Page { id }) = (self.pending.take(), self.place) {
            return self.page_child(id, &node).map(Some);
        }
        loop {
            let place = self.place;
            match (place, self.event()?) {
                (ReadPlace::Done, _) => return Ok(None),
                (_, Ev::Eof) => {
                    return Err(
                        self.format("the dump ends before </mediawiki> (truncated?)".to_owned())
                    );
                }
                (ReadPlace::Top, Ev::Start(node)) if node.name == "carnet:users" => {
                    self.place = ReadPlace::Users;
                }
                (ReadPlace::Top, Ev::Start(node)) if node.name == "page" => {
                    let (page, pending, ended) = self.read_page_header()?;
                    self.place = if ended {
                        ReadPlace::Top
                    } else {
                        ReadPlace::Page { id: page.id }
                    };
                    self.pending = pending;
                    return Ok(Some(entry(ArchiveItem::Page(page))));
                }
                (ReadPlace::Top, Ev::End(name)) if name == "mediawiki" => {
                    self.place = ReadPlace::Done;
                    return Ok(None);
                }
                (ReadPlace::Users, Ev::Empty(node) | Ev::Start(node))
                    if node.name == "carnet:user" =>
                {
                    let node = self.finish_node(node)?;
                    return Ok(Some(entry(ArchiveItem::User(self.user(&node)?))));
                }
                (ReadPlace::Users, Ev::End(name)) if name == "carnet:users" => {
                    self.place = ReadPlace::Top;
                }
                (ReadPlace::Page { .. }, Ev::End(name)) if name == "page" => {
                    self.place = ReadPlace::Top;
                }
                (ReadPlace::Page { id }, Ev::Start(node) | Ev::Empty(node))
                    if node.name == "revision" || node.name == "upload" =>
                {
                    let node = self.finish_node(node)?;
                    return self.page_child(id, &node).map(Some);
                }
                (_, Ev::Start(node)) => {
                    return Err(self.format(format!("unexpected <{}>", node.name)));
                }
                (_, Ev::Empty(node)) => {
                    return Err(self.format(format!("unexpected <{}/>", node.name)));
                }
                (_, Ev::End(name)) => {
                    return Err(self.format(format!("unexpected </{name}>")));
                }
            }
        }
    }
}

fn entry(item: ArchiveItem) -> CarnetEntry {
    CarnetEntry {
        item,
        contents: None,
    }
}

impl<R: BufRead> CarnetReader<R> {
    /// After `<page>`: its header fields, up to the first revision or upload (read
    /// whole and kept for the next call) or `</page>` (then `ended`).
    fn read_page_header(&mut self) -> Result<(ArchivePage, Option<Node>, bool), DumpError> {
        let mut header = Node {
            name: "page".to_owned(),
            ..Node::default()
        };
        let (pending, ended) = loop {
            match self.event()? {
                Ev::Start(node) | Ev::Empty(node)
                    if node.name == "revision" || node.name == "upload" =>
                {
                    let node = self.finish_node(node)?;
                    break (Some(node), false);
                }
                Ev::Start(node) => {
                    let node = self.read_node(node)?;
                    header.children.push(node);
                }
                Ev::Empty(node) => header.children.push(node),
                Ev::End(name) if name == "page" => break (None, true),
                Ev::End(name) => return Err(self.format(format!("unexpected </{name}>"))),
                Ev::Eof => {
                    return Err(
                        self.format("the dump ends inside a <page> (truncated?)".to_owned())
                    );
                }
            }
        };
        let page = self.page(&header)?;
        Ok((page, pending, ended))
    }

    fn page(&self, header: &Node) -> Result<ArchivePage, DumpError> {
        let text = |name: &str| header.child(name).map(|n| n.text.as_str());
        let full = text("title").ok_or_else(|| self.format("a page without <title>".to_owned()))?;
        let id = self.number(text("id"), "a page's <id>")?;
        let ns: i32 = self.number(text("ns"), "a page's <ns>")?;
        let namespace = Namespace::from_id(ns)
            .ok_or_else(|| self.format(format!("page {id}: unknown namespace {ns}")))?;
        let title = self.title(full, namespace)?;
        let redirect = match header.child("redirect").and_then(|n| n.attribute("title")) {
            Some(target) => Some(
                Title::parse(target)
                    .map_err(|e| self.format(format!("page {id}: redirect {target:?}: {e}")))?,
            ),
            None => None,
        };
        let info = header
            .child("carnet:pageinfo")
            .ok_or_else(|| self.format(format!("page {id} has no <carnet:pageinfo>")))?;
        Ok(ArchivePage {
            id,
            title,
            created_at: self.time(info.attribute("created"), "a page's creation")?,
            touched_at: self.time(info.attribute("touched"), "a page's touch time")?,
            latest: info
                .attribute("latest")
                .map(|v| self.number(Some(v), "a page's latest revision"))
                .transpose()?,
            redirect,
            origins: self.origins(header)?,
        })
    }

    /// `Prefix:Name` in `namespace`: the name after the canonical prefix.
    fn title(&self, full: &str, namespace: Namespace) -> Result<Title, DumpError> {
        let name = match namespace {
            Namespace::Main => full,
            other => full
                .strip_prefix(other.canonical_name())
                .and_then(|rest| rest.strip_prefix(':'))
                .ok_or_else(|| {
                    self.format(format!("title {full:?} is not in namespace {}", other.id()))
                })?,
        };
        let title = Title::from_parts(namespace, name)
            .map_err(|e| self.format(format!("title {full:?}: {e}")))?;
        if title.name() != name {
            return Err(self.format(format!("title {full:?} is not in Carnet's normal form")));
        }
        Ok(title)
    }

    fn origins(&self, node: &Node) -> Result<Vec<ArchiveOrigin>, DumpError> {
        node.children
            .iter()
            .filter(|child| child.name == "carnet:origin")
            .map(|child| {
                Ok(ArchiveOrigin {
                    source: child.attribute("source").unwrap_or_default().to_owned(),
                    id: self.number(child.attribute("id"), "an origin's id")?,
                })
            })
            .collect()
    }

    fn user(&self, node: &Node) -> Result<ArchiveUser, DumpError> {
        Ok(ArchiveUser {
            id: self.number(node.attribute("id"), "a user's id")?,
            name: self.required(node, "name")?.to_owned(),
            role: self.required(node, "role")?.to_owned(),
            created_at: self.time(node.attribute("created"), "a user's creation")?,
            temporary: node.attribute("temporary") == Some("true"),
            password_hash: node.attribute("password-hash").map(str::to_owned),
        })
    }

    fn required<'n>(&self, node: &'n Node, name: &str) -> Result<&'n str, DumpError> {
        node.attribute(name)
            .ok_or_else(|| self.format(format!("<{}> without {name}", node.name)))
    }

    /// A revision or upload of page `page_id`.
    fn page_child(&self, page_id: i64, node: &Node) -> Result<CarnetEntry, DumpError> {
        let text = |name: &str| node.child(name).map(|n| n.text.as_str());
        let contributor = node.child("contributor");
        let author = contributor
            .and_then(|c| c.child("username"))
            .map(|n| n.text.clone())
            .unwrap_or_default();
        let author_id = contributor
            .and_then(|c| c.child("id"))
            .map(|n| self.number(Some(&n.text), "a contributor's id"))
            .transpose()?;
        let comment = text("comment").unwrap_or_default().to_owned();
        if node.name == "revision" {
            let id = self.number(text("id"), "a revision's <id>")?;
            let info = node
                .child("carnet:revinfo")
                .ok_or_else(|| self.format(format!("revision {id} has no <carnet:revinfo>")))?;
            let body = match node.child("carnet:rawtext") {
                Some(raw) => String::from_utf8(self.base64(&raw.text)?)
                    .map_err(|_| self.format(format!("revision {id}: rawtext is not UTF-8")))?,
                None => text("text").unwrap_or_default().to_owned(),
            };
            let revision = ArchiveRevision {
                id,
                page_id,
                parent_id: text("parentid")
                    .map(|v| self.number(Some(v), "a <parentid>"))
                    .transpose()?,
                author,
                user_id: author_id,
                created_at: self.time(info.attribute("at"), "a revision's time")?,
                comment,
                minor: node.child("minor").is_some(),
                size: self.number(info.attribute("size"), "a revision's size")?,
                sha256: self.required(info, "sha256")?.to_owned(),
                text: body,
                text_hidden: info.attribute("hidden") == Some("true"),
                deleted: info.attribute("deleted") == Some("true"),
                origins: self.origins(node)?,
            };
            return Ok(entry(ArchiveItem::Revision(revision)));
        }
        let info = node.child("carnet:fileinfo").ok_or_else(|| {
            self.format(format!(
                "an upload of page {page_id} has no <carnet:fileinfo>"
            ))
        })?;
        let optional = |name: &str| -> Result<Option<i32>, DumpError> {
            info.attribute(name)
                .map(|v| self.number(Some(v), "a file's dimension"))
                .transpose()
        };
        let file = ArchiveFile {
            id: self.number(info.attribute("id"), "a file version's id")?,
            page_id,
            sha256: self.required(info, "sha256")?.to_owned(),
            kind: self.required(info, "kind")?.to_owned(),
            bytes: self.number(text("size"), "an upload's <size>")?,
            width: optional("width")?,
            height: optional("height")?,
            uploader_id: author_id,
            uploader: author,
            author: self.required(info, "author")?.to_owned(),
            source: self.required(info, "source")?.to_owned(),
            licence: self.required(info, "licence")?.to_owned(),
            comment,
            uploaded_at: self.time(info.attribute("at"), "an upload's time")?,
            restored_from: info
                .attribute("restored-from")
                .map(|v| self.number(Some(v), "restored-from"))
                .transpose()?,
        };
        let contents = node
            .child("contents")
            .map(|c| self.base64(&c.text))
            .transpose()?;
        Ok(CarnetEntry {
            item: ArchiveItem::File(file),
            contents,
        })
    }

    fn base64(&self, text: &str) -> Result<Vec<u8>, DumpError> {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        BASE64
            .decode(compact.as_bytes())
            .map_err(|e| self.format(format!("bad base 64: {e}")))
    }

    fn number<T: std::str::FromStr>(&self, raw: Option<&str>, what: &str) -> Result<T, DumpError> {
        let raw = raw.ok_or_else(|| self.format(format!("missing {what}")))?;
        raw.trim()
            .parse()
            .map_err(|_| self.format(format!("{what}: {raw:?} is not a number")))
    }

    fn time(&self, raw: Option<&str>, what: &str) -> Result<DateTime<Utc>, DumpError> {
        let raw = raw.ok_or_else(|| self.format(format!("missing {what}")))?;
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| self.format(format!("{what}: {raw:?}: {e}")))
    }

    /// An element whose start (or empty tag) was just read, completed.
    fn finish_node(&mut self, node: Node) -> Result<Node, DumpError> {
        if node.children.is_empty() && node.text.is_empty() && self.last_was_empty {
            return Ok(node);
        }
        self.read_node(node)
    }

    /// Reads the children and text of the element just started, up to its end.
    fn read_node(&mut self, mut node: Node) -> Result<Node, DumpError> {
        let mut stack: Vec<Node> = Vec::new();
        loop {
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            let event = self.xml.read_event_into(&mut buf);
            let step = match event {
                Err(error) => Err(self.xml_error(&error.to_string())),
                Ok(Event::Text(content)) => {
                    self.line += newlines(&content);
                    content
                        .xml10_content()
                        .map(|text| {
                            node.text.push_str(&text);
                            None
                        })
                        .map_err(|e| self.xml_error(&e.to_string()))
                }
                Ok(Event::CData(content)) => {
                    self.line += newlines(&content);
                    content
                        .decode()
                        .map(|text| {
                            node.text.push_str(&text);
                            None
                        })
                        .map_err(|e| self.xml_error(&e.to_string()))
                }
                Ok(Event::GeneralRef(reference)) => match reference.resolve_char_ref() {
                    Ok(Some(c)) => {
                        node.text.push(c);
                        Ok(None)
                    }
                    Ok(None) => {
                        let name = String::from_utf8_lossy(&reference).into_owned();
                        match quick_xml::escape::resolve_xml_entity(&name) {
                            Some(value) => {
                                node.text.push_str(value);
                                Ok(None)
                            }
                            None => Err(self.xml_error(&format!("unknown entity &{name};"))),
                        }
                    }
                    Err(error) => Err(self.xml_error(&error.to_string())),
                },
                Ok(Event::Start(start)) => {
                    self.line += newlines(&start);
                    self.node_of(&start).map(|child| {
                        stack.push(std::mem::replace(&mut node, child));
                        None
                    })
                }
                Ok(Event::Empty(start)) => {
                    self.line += newlines(&start);
                    self.node_of(&start).map(|child| {
                        node.children.push(child);
                        None
                    })
                }
                Ok(Event::End(_)) => Ok(Some(())),
                Ok(Event::Eof) => {
                    Err(self.format("the dump ends inside an element (truncated?)".to_owned()))
                }
                Ok(_) => Ok(None),
            };
            self.buf = buf;
            if step?.is_some() {
                match stack.pop() {
                    Some(mut parent) => {
                        parent.children.push(std::mem::take(&mut node));
                        node = parent;
                    }
                    None => return Ok(node),
                }
            }
        }
    }

    fn node_of(&self, start: &BytesStart<'_>) -> Result<Node, DumpError> {
        let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| self.xml_error(&e.to_string()))?;
            let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| self.xml_error(&e.to_string()))?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(Node {
            name,
            attributes,
            ..Node::default()
        })
    }

    /// The next element event (text between elements must be blank).
    fn event(&mut self) -> Result<Ev, DumpError> {
        loop {
            let mut buf = std::mem::take(&mut self.buf);
            buf.clear();
            let event = self.xml.read_event_into(&mut buf);
            let result = match event {
                Err(error) => Err(self.xml_error(&error.to_string())),
                Ok(Event::Start(start)) => {
                    self.line += newlines(&start);
                    self.last_was_empty = false;
                    self.node_of(&start).map(|n| Some(Ev::Start(n)))
                }
                Ok(Event::Empty(start)) => {
                    self.line += newlines(&start);
                    self.last_was_empty = true;
                    self.node_of(&start).map(|n| Some(Ev::Empty(n)))
                }
                Ok(Event::End(end)) => Ok(Some(Ev::End(
                    String::from_utf8_lossy(end.name().as_ref()).into_owned(),
                ))),
                Ok(Event::Text(content)) => {
                    self.line += newlines(&content);
                    if content.iter().all(u8::is_ascii_whitespace) {
                        Ok(None)
                    } else {
                        Err(self.format("text outside of the elements that hold text".to_owned()))
                    }
                }
                Ok(Event::Eof) => Ok(Some(Ev::Eof)),
                Ok(Event::CData(_) | Event::GeneralRef(_)) => {
                    Err(self.format("text outside of the elements that hold text".to_owned()))
                }
                Ok(_) => Ok(None),
            };
            self.buf = buf;
            if let Some(event) = result? {
                return Ok(event);
            }
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
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests;
