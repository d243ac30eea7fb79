//! "New section" on talk pages: a subject and a message appended at the end of the page,
//! signed. Appending is done on the text current at save time (not on the text the writer
//! first saw), so two people adding sections at once both get theirs in.

use thiserror::Error;

/// Longest subject, in characters: a heading, not a paragraph.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// Why a new section was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SectionError {
    #[error("the subject is empty")]
    EmptySubject,
    #[error("the subject is longer than {MAX_SUBJECT_CHARS} characters")]
    SubjectTooLong,
    #[error("the message is empty")]
    EmptyMessage,
}

/// A checked subject and message, ready to be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    subject: String,
    message: String,
}

impl NewSection {
    /// Checks the subject (one line, not empty, not too long) and the message (not
    /// empty), and signs the message with `~~~~` unless it is signed already.
    pub fn new(subject: &str, message: &str) -> Result<NewSection, SectionError> {
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        if subject.is_empty() {
            return Err(SectionError::EmptySubject);
        }
        if subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(SectionError::SubjectTooLong);
        }
        let message = message.replace("\r\n", "\n");
        let message = message.trim_end();
        if message.trim().is_empty() {
            return Err(SectionError::EmptyMessage);
        }
        let message = if message.contains("~~~") {
            message.to_owned()
        } else {
            // After code or a fence the signature goes on its own paragraph, where it
            // cannot end up inside the code (and not as a bare `~~~~` line, which
            // Markdown would read as a fence).
            let last = message.lines().last().unwrap_or_default();
            let in_code = last.starts_with("    ")
                || last.starts_with('\t')
                || last.trim_start().starts_with("```")
                || last.trim_start().starts_with("~~~");
            if in_code {
                format!("{message}\n\n— ~~~~")
            } else {
                format!("{message} ~~~~")
            }
        };
        Ok(NewSection { subject, message })
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The message as it will be saved (before signatures are expanded).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message with its signature replaced (by [`crate::expand_signatures`]).
    pub fn with_message(mut self, message: String) -> NewSection {
        self.message = message;
        self
    }

    /// `existing` with this section at its end, as a level-2 heading.
    ///
    /// ```
    /// use carnet_core::NewSection;
    /// let section = NewSection::new("Horaires", "Ouvert le samedi ?").unwrap();
    /// assert_eq!(
    ///     section.append_to("Intro\n"),
    ///     "Intro\n\n## Horaires\n\nOuvert le samedi ? ~~~~\n"
    /// );
    /// ```
    pub fn append_to(&self, existing: &str) -> String {
        // A closing `#` would be read as the end of the heading marker and dropped.
        let heading = match self.subject.strip_suffix('#') {
            Some(rest) => format!("{rest}\\#"),
            None => self.subject.clone(),
        };
        let existing = existing.trim_end();
        let separator = if existing.is_empty() { "" } else { "\n\n" };
        format!("{existing}{separator}## {heading}\n\n{}\n", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_goes_at_the_end_and_is_signed() {
        let s = NewSection::new("  Le  marché\n du samedi ", "On y va ?\r\n").unwrap();
        assert_eq!(s.subject(), "Le marché du samedi");
        assert_eq!(
            s.append_to(""),
            "## Le marché du samedi\n\nOn y va ? ~~~~\n"
        );
        assert_eq!(
            s.append_to("## Avant\n\nTexte.\n\n\n"),
            "## Avant\n\nTexte.\n\n## Le marché du samedi\n\nOn y va ? ~~~~\n"
        );
    }

    #[test]
    fn a_signed_message_is_not_signed_twice() {
        let s = NewSection::new("Sujet", "Merci ~~~~\n\nPS : demain").unwrap();
        assert_eq!(s.message(), "Merci ~~~~\n\nPS : demain");
    }

    #[test]
    fn the_signature_stays_out_of_code() {
        let s = NewSection::new("Code", "Voici :\n\n```\nlet x = 1;\n```").unwrap();
        assert!(s.message().ends_with("```\n\n— ~~~~"));
        let s = NewSection::new("Code", "Voici :\n\n    indenté").unwrap();
        assert!(s.message().ends_with("indenté\n\n— ~~~~"));
    }

    #[test]
    fn a_trailing_hash_is_kept_in_the_heading() {
        let s = NewSection::new("Langage C#", "Oui").unwrap();
        assert!(s.append_to("").starts_with("## Langage C\\#\n"));
    }

    #[test]
    fn bad_sections_are_refused_with_a_reason() {
        assert_eq!(NewSection::new(" \n", "x"), Err(SectionError::EmptySubject));
        assert_eq!(
            NewSection::new(&"a".repeat(MAX_SUBJECT_CHARS + 1), "x"),
            Err(SectionError::SubjectTooLong)
        );
        assert!(NewSection::new(&"é".repeat(MAX_SUBJECT_CHARS), "x").is_ok());
        assert_eq!(
            NewSection::new("Sujet", " \n\t"),
            Err(SectionError::EmptyMessage)
        );
    }
}
