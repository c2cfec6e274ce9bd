//! Which words Jira's text search (`~`) may be asked for, given an SQL `=` or `LIKE` on a text
//! column, so that the search is a superset of the SQL answer.
//!
//! Jira's `~` matches whole words, case-insensitively, with stemming, ignoring stop words: it
//! finds more than the word (stems, other cases) but never a part of a word (`~ "oob"` does not
//! find "foobar"). So a word is only sent when every matching value must contain it as a whole
//! word: a run of ASCII letters and digits that the pattern itself bounds with whitespace or
//! with its anchored start or end. Stop words are never sent (Jira ignores or rejects them).

/// Lucene's English stop words, which Jira's index drops.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// A piece of a LIKE pattern.
#[derive(Debug, PartialEq)]
enum Piece {
    Char(char),
    /// `%` or `_`: unknown characters.
    Wild,
}

/// The pattern's pieces (`\` escapes the next character, as in Postgres' default LIKE).
fn pieces(pattern: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(Piece::Char(chars.next().unwrap_or('\\'))),
            '%' | '_' => out.push(Piece::Wild),
            c => out.push(Piece::Char(c)),
        }
    }
    out
}

fn searchable(word: &str) -> bool {
    word.len() >= 2
        && word.chars().all(|c| c.is_ascii_alphanumeric())
        && !STOP_WORDS.contains(&word.to_ascii_lowercase().as_str())
}

/// Words every value matching the LIKE `pattern` contains as whole words, deduplicated
/// case-insensitively, in pattern order.
pub fn like_words(pattern: &str) -> Vec<String> {
    words(&pieces(pattern))
}

/// Words a value equal to `text` contains as whole words.
pub fn value_words(text: &str) -> Vec<String> {
    words(&text.chars().map(Piece::Char).collect::<Vec<_>>())
}

fn words(pieces: &[Piece]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        // A word candidate starts where the previous piece is whitespace or the pattern starts.
        let bounded_left = i == 0 || matches!(pieces[i - 1], Piece::Char(c) if c.is_whitespace());
        let mut j = i;
        let mut word = String::new();
        while let Some(Piece::Char(c)) = pieces.get(j) {
            if c.is_whitespace() {
                break;
            }
            word.push(*c);
            j += 1;
        }
        let bounded_right =
            j == pieces.len() || matches!(pieces[j], Piece::Char(c) if c.is_whitespace());
        if bounded_left
            && bounded_right
            && searchable(&word)
            && !out.iter().any(|w| w.eq_ignore_ascii_case(&word))
        {
            out.push(word);
        }
        i = j.max(i) + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_are_not_words() {
        assert!(like_words("%oob%").is_empty());
        assert!(like_words("%login page%").is_empty());
        assert_eq!(like_words("% login page %"), vec!["login", "page"]);
        assert_eq!(like_words("%x login %"), vec!["login"]);
    }

    #[test]
    fn anchors_bound_words() {
        assert_eq!(like_words("Fix %"), vec!["Fix"]);
        assert_eq!(like_words("% bug"), vec!["bug"]);
        assert!(like_words("Fix%").is_empty());
        assert!(like_words("_ix %").is_empty());
    }

    #[test]
    fn stop_words_punctuation_and_short_words_are_skipped() {
        assert_eq!(
            value_words("Fix the login-page bug in C:\\temp a b"),
            vec!["Fix", "bug"]
        );
        assert_eq!(value_words("Café crème 中文 ok"), vec!["ok"]);
        assert_eq!(value_words("Bug bug BUG"), vec!["Bug"]);
    }

    #[test]
    fn escapes_make_wildcards_literal() {
        assert_eq!(like_words("100\\% done %"), vec!["done"]);
        assert!(like_words("100\\%done%").is_empty());
    }
}
