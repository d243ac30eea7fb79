//! How a revision's text is stored: compressed with zstd, most revisions as a *delta*
//! against their page's latest *keyframe*. Pure computation (zstd works on bytes in
//! memory); the store reads and writes the rows.
//!
//! - A **keyframe** is zstd of the full text.
//! - A **delta** is zstd of the full text compressed with the keyframe's text as a raw
//!   prefix ("dictionary"): what the two texts share costs a few bytes per match. It
//!   names its keyframe, never another delta, so any revision is read with at most two
//!   rows and two decompressions, however long the history.
//! - **Plain** rows (written before this format existed) keep their text as it is until
//!   compaction rewrites them.
//!
//! When to start a new keyframe ([`encode`]): when the deltas already stored against the
//! current keyframe weigh as much as the keyframe itself (for a text that grows steadily
//! this spacing minimises the total: keyframe bytes and delta bytes come out equal), or
//! when the new delta alone is more than half the keyframe (the text was rewritten).

/// zstd level of keyframes (rare: one every few dozen saves).
pub const KEYFRAME_LEVEL: i32 = 6;
/// zstd level of deltas (every save).
pub const DELTA_LEVEL: i32 = 3;

/// How a revision row holds its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFormat {
    /// The old way: the text itself, in the `text` column.
    Plain,
    /// zstd of the full text.
    Keyframe,
    /// zstd of the full text with the keyframe's text as prefix.
    Delta,
}

impl StorageFormat {
    /// The code stored in the `format` column.
    pub fn code(self) -> &'static str {
        match self {
            StorageFormat::Plain => "plain",
            StorageFormat::Keyframe => "keyframe",
            StorageFormat::Delta => "delta",
        }
    }

    pub fn from_code(code: &str) -> Option<StorageFormat> {
        match code {
            "plain" => Some(StorageFormat::Plain),
            "keyframe" => Some(StorageFormat::Keyframe),
            "delta" => Some(StorageFormat::Delta),
            _ => None,
        }
    }
}

/// The keyframe a page's next revision may be stored against, as known from the page's
/// current revision.
#[derive(Debug, Clone, Copy)]
pub struct KeyframeBase<'a> {
    /// The keyframe's text.
    pub text: &'a str,
    /// The keyframe's stored (compressed) size.
    pub stored_bytes: u64,
    /// Stored bytes of the deltas against it so far (the current revision's
    /// `chain_bytes`; 0 when the current revision is the keyframe).
    pub chain_bytes: u64,
}

/// A text ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoded {
    Keyframe {
        content: Vec<u8>,
    },
    Delta {
        content: Vec<u8>,
        /// The base's `chain_bytes` plus this delta's size: stored with the row, so the
        /// next save knows it without reading the chain.
        chain_bytes: u64,
    },
}

impl Encoded {
    pub fn format(&self) -> StorageFormat {
        match self {
            Encoded::Keyframe { .. } => StorageFormat::Keyframe,
            Encoded::Delta { .. } => StorageFormat::Delta,
        }
    }

    pub fn content(&self) -> &[u8] {
        match self {
            Encoded::Keyframe { content } | Encoded::Delta { content, .. } => content,
        }
    }

    pub fn chain_bytes(&self) -> u64 {
        match self {
            Encoded::Keyframe { .. } => 0,
            Encoded::Delta { chain_bytes, .. } => *chain_bytes,
        }
    }
}

/// A stored text that cannot be read back (or a text zstd refused to compress).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("zstd: {0}")]
    Zstd(&'static str),
    #[error("zstd could not allocate a context")]
    NoContext,
    #[error("the stored text holds {found:?} bytes, its row says {expected}")]
    Size { expected: usize, found: Option<u64> },
    #[error("the stored text is not UTF-8")]
    NotUtf8,
}

/// Stores `text`: a delta against `base` when there is one and it pays, else a keyframe.
pub fn encode(text: &str, base: Option<KeyframeBase<'_>>) -> Result<Encoded, CodecError> {
    let Some(base) = base else {
        return keyframe(text);
    };
    if base.chain_bytes >= base.stored_bytes {
        return keyframe(text);
    }
    let content = compress(text.as_bytes(), base.text.as_bytes(), DELTA_LEVEL)?;
    let size = u64::try_from(content.len()).unwrap_or(u64::MAX);
    if size.saturating_mul(2) > base.stored_bytes {
        return keyframe(text);
    }
    Ok(Encoded::Delta {
        content,
        chain_bytes: base.chain_bytes.saturating_add(size),
    })
}

/// Stores `text` as a keyframe.
pub fn keyframe(text: &str) -> Result<Encoded, CodecError> {
    Ok(Encoded::Keyframe {
        content: compress(text.as_bytes(), &[], KEYFRAME_LEVEL)?,
    })
}

/// The text of a keyframe row whose text is `size` bytes.
pub fn decode_keyframe(content: &[u8], size: usize) -> Result<String, CodecError> {
    decompress(content, &[], size)
}

/// The text of a delta row against its keyframe's text.
pub fn decode_delta(content: &[u8], keyframe: &str, size: usize) -> Result<String, CodecError> {
    decompress(content, keyframe.as_bytes(), size)
}

fn compress(source: &[u8], prefix: &[u8], level: i32) -> Result<Vec<u8>, CodecError> {
    use zstd::zstd_safe::{CCtx, CParameter};
    let mut context = CCtx::try_create().ok_or(CodecError::NoContext)?;
    context
        .set_parameter(CParameter::CompressionLevel(level))
        .map_err(zstd_error)?;
    if !prefix.is_empty() {
        // The window must reach back over the whole prefix, or a long text's delta
        // could not point at the keyframe's far end. 2^27 is what decoders accept by
        // default (texts are far smaller).
        let span = prefix.len().saturating_add(source.len()).max(1024);
        let window = span.next_power_of_two().trailing_zeros().min(27);
        context
            .set_parameter(CParameter::WindowLog(window))
            .map_err(zstd_error)?;
        // zstd indexes at most the last 2^(hashLog + 3) bytes of a prefix (1 MiB at
        // level 3): a longer keyframe gets a larger hash table (a 2 MiB page, 1 MiB).
        let reach = prefix.len().next_power_of_two().trailing_zeros();
        if reach > 20 {
            context
                .set_parameter(CParameter::HashLog(reach.saturating_sub(3).min(26)))
                .map_err(zstd_error)?;
        }
        context.ref_prefix(prefix).map_err(zstd_error)?;
    }
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(source.len()));
    context.compress2(&mut out, source).map_err(zstd_error)?;
    Ok(out)
}

fn decompress(content: &[u8], prefix: &[u8], size: usize) -> Result<String, CodecError> {
    use zstd::zstd_safe::DCtx;
    // The frame says how long the text is; it must be what the row says before anything
    // is allocated, so a damaged row cannot ask for gigabytes.
    let recorded = zstd::zstd_safe::get_frame_content_size(content)
        .ok()
        .flatten();
    if recorded != u64::try_from(size).ok() {
        return Err(CodecError::Size {
            expected: size,
            found: recorded,
        });
    }
    let mut context = DCtx::try_create().ok_or(CodecError::NoContext)?;
    if !prefix.is_empty() {
        context.ref_prefix(prefix).map_err(zstd_error)?;
    }
    let mut out = Vec::with_capacity(size);
    let written = context.decompress(&mut out, content).map_err(zstd_error)?;
    if written != size {
        return Err(CodecError::Size {
            expected: size,
            found: u64::try_from(written).ok(),
        });
    }
    String::from_utf8(out).map_err(|_| CodecError::NotUtf8)
}

fn zstd_error(code: usize) -> CodecError {
    CodecError::Zstd(zstd::zstd_safe::get_error_name(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency for property-style tests).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "réunion",
        " du conseil",
        " de quartier",
        "\n",
        "* ",
        "Émilie",
        " a proposé",
        " 🌱",
        " ",
        "日本語",
        "\u{0}",
        "l'école",
        "\r",
        "ça",
        "Ω",
        "[[Lien]]",
    ];

    fn random_text(rng: &mut Rng, pieces: usize) -> String {
        (0..pieces)
            .map(|_| PIECES[rng.below(PIECES.len())])
            .collect()
    }

    fn mutate(rng: &mut Rng, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let at = if chars.is_empty() {
            0
        } else {
            rng.below(chars.len())
        };
        let mut out: String = chars[..at].iter().collect();
        if rng.below(3) > 0 {
            let pieces = 1 + rng.below(5);
            out.push_str(&random_text(rng, pieces));
        }
        let skip = rng.below(4).min(chars.len() - at);
        out.extend(&chars[at + skip..]);
        out
    }

    fn decode(encoded: &Encoded, keyframe: &str, size: usize) -> String {
        match encoded {
            Encoded::Keyframe { content } => decode_keyframe(content, size).unwrap(),
            Encoded::Delta { content, .. } => decode_delta(content, keyframe, size).unwrap(),
        }
    }

    /// A page's history as the store keeps it: every revision reads back exactly.
    #[test]
    fn random_histories_round_trip() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for history in 0..40 {
            let mut text = random_text(&mut rng, history * 7);
            let mut keyframe_text = String::new();
            let mut keyframe_bytes = 0u64;
            let mut chain = 0u64;
            let mut stored = Vec::new();
            for step in 0..60 {
                let base = (step > 0).then_some(KeyframeBase {
                    text: &keyframe_text,
                    stored_bytes: keyframe_bytes,
                    chain_bytes: chain,
                });
                let encoded = encode(&text, base).unwrap();
                match &encoded {
                    Encoded::Keyframe { content } => {
                        keyframe_text = text.clone();
                        keyframe_bytes = content.len() as u64;
                        chain = 0;
                    }
                    Encoded::Delta { chain_bytes, .. } => chain = *chain_bytes,
                }
                stored.push((encoded, keyframe_text.clone(), text.clone()));
                text = mutate(&mut rng, &text);
            }
            for (encoded, keyframe, text) in &stored {
                assert_eq!(&decode(encoded, keyframe, text.len()), text);
            }
        }
    }

    #[test]
    fn empty_text_and_empty_keyframe() {
        let empty = keyframe("").unwrap();
        assert_eq!(decode_keyframe(empty.content(), 0).unwrap(), "");
        let base = KeyframeBase {
            text: "",
            stored_bytes: 1000,
            chain_bytes: 0,
        };
        for text in ["", "du texte"] {
            let encoded = encode(text, Some(base)).unwrap();
            assert_eq!(encoded.format(), StorageFormat::Delta);
            assert_eq!(decode(&encoded, "", text.len()), text);
        }
    }

    #[test]
    fn a_ten_megabyte_text_round_trips_and_small_edits_are_small_deltas() {
        let mut rng = Rng(42);
        let text = random_text(&mut rng, 2_000_000);
        assert!(text.len() > 10_000_000);
        let first = keyframe(&text).unwrap();
        assert_eq!(decode_keyframe(first.content(), text.len()).unwrap(), text);
        let mut edited = text.clone();
        edited.insert_str(5_000_000, "une petite modification");
        let base = KeyframeBase {
            text: &text,
            stored_bytes: first.content().len() as u64,
            chain_bytes: 0,
        };
        let delta = encode(&edited, Some(base)).unwrap();
        assert_eq!(delta.format(), StorageFormat::Delta);
        assert!(delta.content().len() < 5_000, "{}", delta.content().len());
        assert_eq!(decode(&delta, &text, edited.len()), edited);
    }

    #[test]
    fn keyframes_come_back_when_deltas_weigh_as_much_or_the_text_is_rewritten() {
        let text = "Compte rendu de la réunion.\n".repeat(50);
        let base = KeyframeBase {
            text: &text,
            stored_bytes: 100,
            chain_bytes: 100,
        };
        assert_eq!(
            encode(&text, Some(base)).unwrap().format(),
            StorageFormat::Keyframe
        );
        let base = KeyframeBase {
            chain_bytes: 10,
            ..base
        };
        let Encoded::Delta { chain_bytes, .. } = encode(&text, Some(base)).unwrap() else {
            panic!("a same text is a delta");
        };
        assert!(chain_bytes > 10);
        let mut rng = Rng(7);
        let other = random_text(&mut rng, 3000);
        assert_eq!(
            encode(&other, Some(base)).unwrap().format(),
            StorageFormat::Keyframe
        );
    }

    #[test]
    fn damaged_rows_are_refused_not_trusted() {
        let text = "Bonjour à tous";
        let stored = keyframe(text).unwrap();
        assert!(matches!(
            decode_keyframe(stored.content(), text.len() + 1),
            Err(CodecError::Size { .. })
        ));
        assert!(decode_keyframe(b"not zstd", 8).is_err());
        let mut cut = stored.content().to_vec();
        cut.truncate(cut.len() - 2);
        assert!(decode_keyframe(&cut, text.len()).is_err());
        // A delta read against the wrong keyframe fails or gives other bytes, never
        // panics.
        let base = KeyframeBase {
            text: "Bonjour à toutes et à tous, voici le compte rendu",
            stored_bytes: 1000,
            chain_bytes: 0,
        };
        let delta = encode(text, Some(base)).unwrap();
        let _ = decode_delta(delta.content(), "autre chose", text.len());
        for code in ["plain", "keyframe", "delta"] {
            assert_eq!(StorageFormat::from_code(code).unwrap().code(), code);
        }
        assert_eq!(StorageFormat::from_code("zip"), None);
    }
}
