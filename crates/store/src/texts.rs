//! The one path revision texts are read and written through. A row holds its text as
//! `plain` (rows from before compact storage, until compaction), a zstd `keyframe` or a
//! `delta` against its page's keyframe (the formats and the choice between them are
//! `carnet_core::storage`). Reading a row takes at most one more row (its keyframe) and
//! two decompressions, whatever the length of the history.

use std::collections::HashMap;

use carnet_core::storage::{self, CodecError, Encoded, KeyframeBase, StorageFormat};
use diesel::prelude::*;

use crate::StoreError;
use crate::connection::AnyConnection;
use crate::schema::revisions;

/// Ids per `IN (…)` query.
const CHUNK: usize = 500;

/// The columns a revision's text is read from.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub(crate) struct StoredText {
    pub(crate) id: i64,
    size: i64,
    format: String,
    text: String,
    content: Option<Vec<u8>>,
    keyframe_id: Option<i64>,
    chain_bytes: i64,
}

/// The keyframe a page's next revision is stored against (see [`KeyframeBase`]).
#[derive(Debug, Clone)]
pub(crate) struct Base {
    pub(crate) keyframe_id: i64,
    pub(crate) text: String,
    pub(crate) stored_bytes: u64,
    pub(crate) chain_bytes: u64,
}

/// A text encoded for a new row: the storage columns.
#[derive(Debug, Clone)]
pub(crate) struct ToStore {
    pub(crate) format: &'static str,
    pub(crate) content: Vec<u8>,
    pub(crate) keyframe_id: Option<i64>,
    pub(crate) chain_bytes: i64,
}

impl ToStore {
    /// The base the page's next revision is stored against, once this one is stored
    /// with id `id`.
    pub(crate) fn next_base(&self, id: i64, text: &str, previous: Option<Base>) -> Option<Base> {
        match (self.keyframe_id, previous) {
            (None, _) => Some(Base {
                keyframe_id: id,
                text: text.to_owned(),
                stored_bytes: len64(&self.content),
                chain_bytes: 0,
            }),
            (Some(_), Some(previous)) => Some(Base {
                chain_bytes: u64::try_from(self.chain_bytes).unwrap_or(u64::MAX),
                ..previous
            }),
            (Some(_), None) => None,
        }
    }
}

/// Encodes `text` for a new row of a page whose current storage base is `base`.
pub(crate) fn encode(text: &str, base: Option<&Base>) -> Result<ToStore, StoreError> {
    let encoded = storage::encode(
        text,
        base.map(|base| KeyframeBase {
            text: &base.text,
            stored_bytes: base.stored_bytes,
            chain_bytes: base.chain_bytes,
        }),
    )
    .map_err(|e| StoreError::Corrupt(format!("cannot compress a text: {e}")))?;
    let chain_bytes = i64::try_from(encoded.chain_bytes()).unwrap_or(i64::MAX);
    Ok(match encoded {
        Encoded::Keyframe { content } => ToStore {
            format: StorageFormat::Keyframe.code(),
            content,
            keyframe_id: None,
            chain_bytes,
        },
        Encoded::Delta { content, .. } => ToStore {
            format: StorageFormat::Delta.code(),
            content,
            keyframe_id: base.map(|base| base.keyframe_id),
            chain_bytes,
        },
    })
}

/// Checks that `stored` (encoded against `base`) reads back as `text`: compaction
/// rewrites rows that exist, and must never lose one.
pub(crate) fn verify(
    id: i64,
    base: Option<&Base>,
    stored: &ToStore,
    text: &str,
) -> Result<(), StoreError> {
    let back = match (stored.keyframe_id, base) {
        (None, _) => storage::decode_keyframe(&stored.content, text.len()),
        (Some(_), Some(base)) => storage::decode_delta(&stored.content, &base.text, text.len()),
        (Some(_), None) => Err(CodecError::NoContext),
    };
    match back {
        Ok(back) if back == text => Ok(()),
        Ok(_) => Err(StoreError::Corrupt(format!(
            "revision {id} does not read back as its text once compressed"
        ))),
        Err(error) => Err(StoreError::Corrupt(format!(
            "revision {id} does not read back once compressed: {error}"
        ))),
    }
}

/// The text of one row.
pub(crate) fn read(conn: &mut AnyConnection, row: StoredText) -> Result<String, StoreError> {
    Ok(read_with_base(conn, row)?.0)
}

/// The text of one row, and the base a revision saved on top of it is stored against.
pub(crate) fn read_with_base(
    conn: &mut AnyConnection,
    row: StoredText,
) -> Result<(String, Option<Base>), StoreError> {
    match format_of(&row)? {
        StorageFormat::Plain => Ok((row.text, None)),
        StorageFormat::Keyframe => {
            let text = decode_keyframe(&row)?;
            let base = Base {
                keyframe_id: row.id,
                text: text.clone(),
                stored_bytes: stored_len(&row),
                chain_bytes: 0,
            };
            Ok((text, Some(base)))
        }
        StorageFormat::Delta => {
            let keyframe_id = keyframe_of(&row)?;
            let keyframe: StoredText = revisions::table
                .find(keyframe_id)
                .select(StoredText::as_select())
                .first(conn)?;
            let keyframe_text = decode_keyframe_row(&keyframe, row.id)?;
            let text = decode_delta(&row, &keyframe_text)?;
            let base = Base {
                keyframe_id,
                text: keyframe_text,
                stored_bytes: stored_len(&keyframe),
                chain_bytes: u64::try_from(row.chain_bytes).unwrap_or(u64::MAX),
            };
            Ok((text, Some(base)))
        }
    }
}

/// The texts of many rows, in their order; each keyframe is read and decoded once.
pub(crate) fn read_many(
    conn: &mut AnyConnection,
    rows: Vec<StoredText>,
) -> Result<Vec<String>, StoreError> {
    let mut keyframes: HashMap<i64, String> = HashMap::new();
    for row in &rows {
        if format_of(row)? == StorageFormat::Keyframe {
            keyframes.insert(row.id, decode_keyframe(row)?);
        }
    }
    let mut missing: Vec<i64> = Vec::new();
    for row in &rows {
        if format_of(row)? == StorageFormat::Delta {
            let id = keyframe_of(row)?;
            if !keyframes.contains_key(&id) && !missing.contains(&id) {
                missing.push(id);
            }
        }
    }
    for chunk in missing.chunks(CHUNK) {
        let found: Vec<StoredText> = revisions::table
            .filter(revisions::id.eq_any(chunk))
            .select(StoredText::as_select())
            .load(conn)?;
        for keyframe in found {
            let text = decode_keyframe_row(&keyframe, keyframe.id)?;
            keyframes.insert(keyframe.id, text);
        }
    }
    rows.into_iter()
        .map(|row| match format_of(&row)? {
            StorageFormat::Plain => Ok(row.text),
            StorageFormat::Keyframe => keyframes
                .get(&row.id)
                .cloned()
                .ok_or_else(|| corrupt(&row, "keyframe lost")),
            StorageFormat::Delta => {
                let keyframe = keyframes
                    .get(&keyframe_of(&row)?)
                    .ok_or_else(|| corrupt(&row, "its keyframe is missing"))?;
                decode_delta(&row, keyframe)
            }
        })
        .collect()
}

/// The texts of the revisions `ids` (those that exist), by id.
pub(crate) fn read_ids(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, String>, StoreError> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<StoredText> = revisions::table
            .filter(revisions::id.eq_any(chunk))
            .select(StoredText::as_select())
            .load(conn)?;
        rows.extend(found);
    }
    let keys: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let texts = read_many(conn, rows)?;
    Ok(keys.into_iter().zip(texts).collect())
}

/// The storage base of revision `id` (a page's current revision), for the revision
/// about to be appended after it; `None` for none or a `plain` row (the next is a
/// keyframe).
pub(crate) fn base_of(
    conn: &mut AnyConnection,
    id: Option<i64>,
) -> Result<Option<Base>, StoreError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let row: Option<StoredText> = revisions::table
        .find(id)
        .select(StoredText::as_select())
        .first(conn)
        .optional()?;
    match row {
        Some(row) => Ok(read_with_base(conn, row)?.1),
        None => Ok(None),
    }
}

fn format_of(row: &StoredText) -> Result<StorageFormat, StoreError> {
    StorageFormat::from_code(&row.format)
        .ok_or_else(|| corrupt(row, &format!("unknown format {:?}", row.format)))
}

fn keyframe_of(row: &StoredText) -> Result<i64, StoreError> {
    row.keyframe_id
        .ok_or_else(|| corrupt(row, "a delta without keyframe"))
}

fn size_of(row: &StoredText) -> Result<usize, StoreError> {
    usize::try_from(row.size).map_err(|_| corrupt(row, "negative size"))
}

fn stored_len(row: &StoredText) -> u64 {
    row.content.as_deref().map_or(0, len64)
}

fn len64(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

fn decode_keyframe(row: &StoredText) -> Result<String, StoreError> {
    let content = row.content.as_deref().unwrap_or_default();
    storage::decode_keyframe(content, size_of(row)?).map_err(|e| codec(row, e))
}

/// A keyframe read for the delta `for_row`: it must be one.
fn decode_keyframe_row(keyframe: &StoredText, for_row: i64) -> Result<String, StoreError> {
    if format_of(keyframe)? != StorageFormat::Keyframe {
        return Err(StoreError::Corrupt(format!(
            "revision {for_row} is a delta against revision {}, which is no keyframe",
            keyframe.id
        )));
    }
    decode_keyframe(keyframe)
}

fn decode_delta(row: &StoredText, keyframe: &str) -> Result<String, StoreError> {
    let content = row.content.as_deref().unwrap_or_default();
    storage::decode_delta(content, keyframe, size_of(row)?).map_err(|e| codec(row, e))
}

fn codec(row: &StoredText, error: CodecError) -> StoreError {
    corrupt(row, &error.to_string())
}

fn corrupt(row: &StoredText, what: &str) -> StoreError {
    StoreError::Corrupt(format!("revision {}: {what}", row.id))
}
