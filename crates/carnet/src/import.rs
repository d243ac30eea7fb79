//! `carnet import mediawiki`: a MediaWiki dump, read as a stream, converted revision by
//! revision and written in batches through [`Store::import_pages`].
//!
//! The glue between `carnet-mediawiki` (reading, converting, mapping titles) and
//! `carnet-store` (writing); neither knows the other. Memory holds one batch of
//! revisions (at most [`ImportOptions::batch_revisions`] revisions and about
//! [`ImportOptions::batch_bytes`] bytes of text), whatever the dump's size; what cannot
//! be converted goes to a [`ReportSink`] as it is met.
//!
//! Reading and converting run on the calling thread, writing on a second one: while a
//! batch is written, the next is read and converted (the two take about as long), so an
//! import uses both cores of a small machine. Batches are written in the dump's order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use carnet_core::{Comment, MAX_COMMENT_CHARS, PageText, TextError, Title};
use carnet_mediawiki::convert::{Options as ConvertOptions, convert_with};
use carnet_mediawiki::dump::{Contributor, DumpError, DumpItem, DumpReader, SiteInfo};
use carnet_mediawiki::titles::{carnet_target, carnet_title, redirect_line, split_redirect};
use carnet_store::{
    ImportRefusal, ImportedAuthor, ImportedPage, ImportedRevision, PageImported, Store, StoreError,
};

/// How much is written per transaction.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub batch_revisions: usize,
    pub batch_bytes: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_revisions: 2000,
            batch_bytes: 32 * 1024 * 1024,
        }
    }
}

/// One line of the import report: a page, a construct (or a reason it was not
/// imported) and how many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// The page's title in the dump.
    pub page: String,
    /// A converter construct (`parser-function`…: count in the page's current text),
    /// or one of the import's own (count: revisions concerned):
    /// `namespace-kept-in-title:NAME`, `invalid-title`, `refused:local-page`,
    /// `refused:local-edits`, `refused:deleted`, `refused:title-taken`,
    /// `refused:renamed`, `ambiguous-title`, `virtual-namespace`, `hidden-text`,
    /// `text-too-large`,
    /// `content-model:MODEL`.
    pub construct: String,
    pub count: usize,
}

/// Where report rows go as they are met (a CSV file, a list in tests).
pub trait ReportSink {
    fn row(&mut self, row: ReportRow);
}

impl ReportSink for Vec<ReportRow> {
    fn row(&mut self, row: ReportRow) {
        self.push(row);
    }
}

/// Figures of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The source wiki's key (its database name), under which ids are remembered.
    pub source: String,
    /// Pages and revisions read in the dump.
    pub pages_read: u64,
    pub revisions_read: u64,
    /// Pages created and revisions written.
    pub pages_created: u64,
    pub revisions_added: u64,
    /// Revisions an earlier import had written.
    pub revisions_already: u64,
    /// Revisions not written (refused pages, invalid titles, texts too large).
    pub revisions_skipped: u64,
    /// Pages with at least one report row.
    pub pages_reported: u64,
}

/// Where an import stands, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub revisions_read: u64,
    pub revisions_added: u64,
}

/// Why an import stopped. What was committed before stays (each batch is a
/// transaction); running the import again finishes it without writing anything twice.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{error} ({} revisions imported before it)", summary.revisions_added)]
    Dump {
        error: DumpError,
        summary: Box<ImportSummary>,
    },
    #[error("{error} ({} revisions imported before it)", summary.revisions_added)]
    Store {
        error: StoreError,
        summary: Box<ImportSummary>,
    },
}

/// The page being read.
struct Current {
    /// Its title in the dump.
    dump_title: String,
    source_id: i64,
    /// `None`: the page is not imported (invalid title), its revisions are counted only.
    title: Option<Title>,
    /// Why the title was refused (a report construct), and the revisions skipped.
    title_refusal: Option<(&'static str, usize)>,
    /// The namespace name kept in the title, and the revisions imported so.
    kept_prefix: Option<(String, usize)>,
    redirect_header: bool,
    /// The last revision's unconverted constructs, reported when the page ends.
    last_unconverted: Vec<(String, usize)>,
    hidden_texts: usize,
    too_large: usize,
    other_models: BTreeMap<String, usize>,
}

struct Importer<'a> {
    store: &'a Store,
    site: SiteInfo,
    /// The converter's options, from the dump's language (French when it names none).
    convert: ConvertOptions,
    options: ImportOptions,
    report: &'a mut dyn ReportSink,
    summary: ImportSummary,
    batch: Vec<ImportedPage>,
    batch_revisions: usize,
    batch_bytes: usize,
    current: Option<Current>,
    /// The dump titles of the batch's pages, by source id.
    dump_titles: HashMap<i64, String>,
    writer: Writer,
    /// Pages refused, reported at the end with every revision counted.
    refused: Vec<ReportRow>,
    refused_index: HashMap<i64, usize>,
    /// Source ids of the pages with a report row.
    reported: HashSet<i64>,
}

/// Imports a whole dump. `progress` is called after each batch.
pub fn import_dump<R: BufRead>(
    store: &Store,
    reader: &mut DumpReader<R>,
    options: ImportOptions,
    report: &mut dyn ReportSink,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    let site = reader.site_info().clone();
    let convert = if site.language.is_empty() {
        ConvertOptions::default()
    } else {
        ConvertOptions {
            language: site.language.clone(),
        }
    };
    let mut importer = Importer {
        store,
        convert,
        summary: ImportSummary {
            source: site.source_key().to_owned(),
            ..ImportSummary::default()
        },
        site,
        options,
        report,
        batch: Vec::new(),
        batch_revisions: 0,
        batch_bytes: 0,
        current: None,
        dump_titles: HashMap::new(),
        writer: Writer::start(store),
        refused: Vec::new(),
        refused_index: HashMap::new(),
        reported: HashSet::new(),
    };
    loop {
        let item = match reader.next_item() {
            Ok(item) => item,
            Err(error) => {
                // What was sent to the writer is committed or not: count it either way.
                let _written = importer.collect(progress);
                return Err(ImportError::Dump {
                    error,
                    summary: Box::new(importer.summary),
                });
            }
        };
        let result = match item {
            Some(DumpItem::Page(header)) => {
                importer.end_page();
                importer.summary.pages_read += 1;
                importer.start_page(header);
                Ok(())
            }
            Some(DumpItem::Revision(revision)) => importer.revision(revision, progress),
            None => {
                importer.end_page();
                let flushed = importer
                    .flush(progress)
                    .and_then(|()| importer.collect(progress));
                if let Err(error) = flushed {
                    return Err(ImportError::Store {
                        error,
                        summary: Box::new(importer.summary),
                    });
                }
                for row in std::mem::take(&mut importer.refused) {
                    importer.report.row(row);
                }
                importer.summary.pages_reported = importer.reported.len() as u64;
                return Ok(importer.summary);
            }
        };
        if let Err(error) = result {
            let _written = importer.collect(progress);
            return Err(ImportError::Store {
                error,
                summary: Box::new(importer.summary),
            });
        }
    }
}

impl Importer<'_> {
    fn start_page(&mut self, header: carnet_mediawiki::dump::PageHeader) {
        let mut current = Current {
            dump_title: header.title.clone(),
            source_id: header.id,
            title: None,
            title_refusal: None,
            kept_prefix: None,
            redirect_header: header.redirect.is_some(),
            last_unconverted: Vec::new(),
            hidden_texts: 0,
            too_large: 0,
            other_models: BTreeMap::new(),
        };
        match carnet_title(&self.site, &header) {
            Ok(mapped) => {
                current.kept_prefix = mapped.kept_prefix.map(|prefix| (prefix, 0));
                current.title = Some(mapped.title);
            }
            Err(refusal) => {
                let construct = match refusal {
                    carnet_mediawiki::titles::TitleRefusal::Ambiguous(_) => "ambiguous-title",
                    carnet_mediawiki::titles::TitleRefusal::Virtual(_) => "virtual-namespace",
                    carnet_mediawiki::titles::TitleRefusal::Invalid(_) => "invalid-title",
                };
                current.title_refusal = Some((construct, 0));
            }
        }
        self.current = Some(current);
    }

    fn revision(
        &mut self,
        revision: carnet_mediawiki::dump::Revision,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), StoreError> {
        self.summary.revisions_read += 1;
        let max_bytes = self.store.max_page_bytes();
        let site = &self.site;
        let Some(current) = self.current.as_mut() else {
            // A revision outside a page: the reader never gives one.
            self.summary.revisions_skipped += 1;
            return Ok(());
        };
        let Some(title) = current.title.clone() else {
            if let Some((_, skipped)) = current.title_refusal.as_mut() {
                *skipped += 1;
            }
            self.summary.revisions_skipped += 1;
            return Ok(());
        };
        let raw = match revision.text {
            Some(text) => text,
            None => {
                current.hidden_texts += 1;
                String::new()
            }
        };
        let wikitext = revision
            .model
            .as_deref()
            .is_none_or(|model| model == "wikitext");
        let text = if wikitext {
            let (text, unconverted) =
                carnet_text(site, &self.convert, &raw, current.redirect_header);
            current.last_unconverted = unconverted;
            text
        } else {
            let model = revision.model.clone().unwrap_or_default();
            *current.other_models.entry(model).or_insert(0) += 1;
            current.last_unconverted.clear();
            raw
        };
        let text = match PageText::new(&text, max_bytes) {
            Ok(text) => text,
            Err(TextError::NulCharacter) => match PageText::new(&text.replace('\0', ""), max_bytes)
            {
                Ok(text) => text,
                Err(_) => {
                    current.too_large += 1;
                    self.summary.revisions_skipped += 1;
                    return Ok(());
                }
            },
            Err(TextError::TooLarge { .. }) => {
                current.too_large += 1;
                self.summary.revisions_skipped += 1;
                return Ok(());
            }
        };
        let comment = summary(revision.comment.as_deref().unwrap_or_default());
        let author = match revision.contributor {
            Contributor::User { name, .. } => ImportedAuthor::Registered(name),
            Contributor::Ip(address) => ImportedAuthor::Address(address),
            Contributor::Deleted => ImportedAuthor::Unknown,
        };
        let size = text.size();
        let imported = ImportedRevision {
            source_id: revision.id,
            author,
            timestamp: revision.timestamp,
            comment,
            minor: revision.minor,
            text,
        };
        if let Some((_, count)) = current.kept_prefix.as_mut() {
            *count += 1;
        }
        let source_id = current.source_id;
        self.dump_titles
            .entry(source_id)
            .or_insert_with(|| current.dump_title.clone());
        match self.batch.last_mut() {
            Some(page) if page.source_id == source_id && page.title == title => {
                page.revisions.push(imported);
            }
            _ => self.batch.push(ImportedPage {
                source_id,
                title,
                revisions: vec![imported],
            }),
        }
        self.batch_revisions += 1;
        self.batch_bytes += size;
        if self.batch_revisions >= self.options.batch_revisions
            || self.batch_bytes >= self.options.batch_bytes
        {
            self.flush(progress)?;
        }
        Ok(())
    }

    /// Hands the batch to the writer (one transaction), after the previous batch is
    /// written and counted.
    fn flush(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), StoreError> {
        self.collect(progress)?;
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let titles = std::mem::take(&mut self.dump_titles);
        self.batch_revisions = 0;
        self.batch_bytes = 0;
        self.writer.send(&self.summary.source, batch, titles)
    }

    /// Waits for the batch being written, if any, and counts it (refused pages reported).
    fn collect(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), StoreError> {
        let Some((batch, outcomes, titles)) = self.writer.written()? else {
            return Ok(());
        };
        for (page, outcome) in batch.iter().zip(outcomes) {
            self.tally(page, &outcome, &titles);
        }
        progress(Progress {
            revisions_read: self.summary.revisions_read,
            revisions_added: self.summary.revisions_added,
        });
        Ok(())
    }

    fn tally(
        &mut self,
        page: &ImportedPage,
        outcome: &PageImported,
        dump_titles: &HashMap<i64, String>,
    ) {
        self.summary.revisions_added += outcome.added as u64;
        self.summary.revisions_already += outcome.already as u64;
        if outcome.created {
            self.summary.pages_created += 1;
        }
        let Some(refusal) = &outcome.refused else {
            return;
        };
        let skipped = page.revisions.len() - outcome.already;
        self.summary.revisions_skipped += skipped as u64;
        // A page's history may span batches: one row, every refused revision counted.
        if let Some(row) = self
            .refused_index
            .get(&page.source_id)
            .and_then(|&index| self.refused.get_mut(index))
        {
            row.count += skipped;
            return;
        }
        let construct = match refusal {
            ImportRefusal::LocalPage => "refused:local-page",
            ImportRefusal::LocalEdits => "refused:local-edits",
            ImportRefusal::Deleted => "refused:deleted",
            ImportRefusal::TitleTaken { .. } => "refused:title-taken",
            ImportRefusal::Renamed { .. } => "refused:renamed",
        };
        let title = dump_titles
            .get(&page.source_id)
            .cloned()
            .unwrap_or_else(|| page.title.to_string());
        self.reported.insert(page.source_id);
        self.refused_index
            .insert(page.source_id, self.refused.len());
        self.refused.push(ReportRow {
            page: title,
            construct: construct.to_owned(),
            count: skipped,
        });
    }

    /// Reports what the page's revisions left unconverted.
    fn end_page(&mut self) {
        let Some(mut current) = self.current.take() else {
            return;
        };
        let mut rows: Vec<(String, usize)> = Vec::new();
        if let Some((prefix, count)) = current.kept_prefix.take() {
            rows.push((format!("namespace-kept-in-title:{prefix}"), count));
        }
        rows.append(&mut current.last_unconverted);
        if let Some((construct, skipped)) = current.title_refusal {
            rows.push((construct.to_owned(), skipped));
        }
        for (construct, count) in [
            ("hidden-text", current.hidden_texts),
            ("text-too-large", current.too_large),
        ] {
            if count > 0 {
                rows.push((construct.to_owned(), count));
            }
        }
        for (model, count) in std::mem::take(&mut current.other_models) {
            rows.push((format!("content-model:{model}"), count));
        }
        for (construct, count) in rows {
            self.emit(&current, construct, count);
        }
    }

    fn emit(&mut self, current: &Current, construct: String, count: usize) {
        self.reported.insert(current.source_id);
        self.report.row(ReportRow {
            page: current.dump_title.clone(),
            construct,
            count,
        });
    }
}

/// A revision's text in Carnet's syntax, and its unconverted constructs: a redirect
/// becomes `#REDIRECTION [[target]]` (the target's namespace translated), the rest goes
/// through the converter.
fn carnet_text(
    site: &SiteInfo,
    convert: &ConvertOptions,
    raw: &str,
    redirect_header: bool,
) -> (String, Vec<(String, usize)>) {
    if let Some((target, rest)) = split_redirect(raw, redirect_header) {
        let conversion = convert_with(rest, convert);
        let mut text = redirect_line(&carnet_target(site, &target));
        if !conversion.text.trim().is_empty() {
            text.push('\n');
            text.push_str(conversion.text.trim_start_matches(['\n', '\r']));
        }
        return (text, unconverted(&conversion));
    }
    let conversion = convert_with(raw, convert);
    let rows = unconverted(&conversion);
    (conversion.text, rows)
}

fn unconverted(conversion: &carnet_mediawiki::convert::Conversion) -> Vec<(String, usize)> {
    conversion
        .unconverted
        .iter()
        .map(|u| (u.construct.clone(), u.count))
        .collect()
}

/// An edit summary as Carnet keeps them: one line, at most [`MAX_COMMENT_CHARS`].
fn summary(raw: &str) -> Comment {
    let line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = line.chars().take(MAX_COMMENT_CHARS).collect();
    Comment::new(&short).unwrap_or_default()
}

/// A batch handed to the writer: the source's key, its pages.
type Batch = (String, Vec<ImportedPage>);
/// A written batch: its pages and what became of each.
type Written = (Vec<ImportedPage>, Result<Vec<PageImported>, StoreError>);

/// The thread that writes batches, one at a time, in the order they are sent.
struct Writer {
    batches: Option<SyncSender<Batch>>,
    written: Receiver<Written>,
    thread: Option<JoinHandle<()>>,
    /// The dump titles of the batch being written (`None`: nothing in flight).
    in_flight: Option<HashMap<i64, String>>,
}

impl Writer {
    fn start(store: &Store) -> Writer {
        let store = store.clone();
        // One batch written while the next is read: memory holds at most two.
        let (batches, incoming) = sync_channel::<Batch>(0);
        let (done, written) = sync_channel::<Written>(1);
        let thread = std::thread::spawn(move || {
            for (source, batch) in incoming {
                let outcome = store.import_pages(&source, &batch);
                if done.send((batch, outcome)).is_err() {
                    return;
                }
            }
        });
        Writer {
            batches: Some(batches),
            written,
            thread: Some(thread),
            in_flight: None,
        }
    }

    fn send(
        &mut self,
        source: &str,
        batch: Vec<ImportedPage>,
        titles: HashMap<i64, String>,
    ) -> Result<(), StoreError> {
        let sent = self
            .batches
            .as_ref()
            .is_some_and(|batches| batches.send((source.to_owned(), batch)).is_ok());
        if !sent {
            return Err(self.stopped());
        }
        self.in_flight = Some(titles);
        Ok(())
    }

    /// The batch in flight once written, with its dump titles.
    #[expect(clippy::type_complexity, reason = "a tuple read once, by the caller")]
    fn written(
        &mut self,
    ) -> Result<Option<(Vec<ImportedPage>, Vec<PageImported>, HashMap<i64, String>)>, StoreError>
    {
        let Some(titles) = self.in_flight.take() else {
            return Ok(None);
        };
        match self.written.recv() {
            Ok((batch, outcome)) => Ok(Some((batch, outcome?, titles))),
            Err(_) => Err(self.stopped()),
        }
    }

    /// The writer thread is gone: its panic goes on here, as if the write had been inline.
    fn stopped(&mut self) -> StoreError {
        self.batches = None;
        if let Some(thread) = self.thread.take()
            && let Err(panic) = thread.join()
        {
            std::panic::resume_unwind(panic);
        }
        StoreError::Corrupt("the import's writer stopped".to_owned())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel ends the thread once its batch (if any) is written.
        self.batches = None;
        if let Some(thread) = self.thread.take() {
            let _ended = thread.join();
        }
    }
}
