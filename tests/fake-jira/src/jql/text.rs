//! The `~` operator: a case-insensitive word search, not a substring test.

/// Splits text into lower-case words at every non-alphanumeric character.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Splits a `~` query into lower-case terms, keeping the `*` and `?` wildcards.
pub fn query_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a term starts with a wildcard (which Jira rejects).
pub fn has_leading_wildcard(query: &str) -> bool {
    query_terms(query)
        .iter()
        .any(|t| t.starts_with('*') || t.starts_with('?'))
}

fn glob(pattern: &[char], word: &[char]) -> bool {
    match pattern.split_first() {
        None => word.is_empty(),
        Some(('*', rest)) => (0..=word.len()).any(|i| glob(rest, &word[i..])),
        Some(('?', rest)) => !word.is_empty() && glob(rest, &word[1..]),
        Some((c, rest)) => word.first() == Some(c) && glob(rest, &word[1..]),
    }
}

/// Whether `text` matches the `~` query: every term of the query must equal a whole word of
/// the text (case-insensitive), `*` matching any run of characters and `?` one character.
/// A query without terms matches nothing.
pub fn text_matches(text: &str, query: &str) -> bool {
    let terms = query_terms(query);
    if terms.is_empty() {
        return false;
    }
    let words: Vec<Vec<char>> = words(text).iter().map(|w| w.chars().collect()).collect();
    terms.iter().all(|t| {
        let p: Vec<char> = t.chars().collect();
        words.iter().any(|w| glob(&p, w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_semantics() {
        assert!(text_matches("Fix the foobar widget", "FOOBAR"));
        assert!(!text_matches("Fix the foobar widget", "oob"));
        assert!(text_matches("Fix the foobar widget", "foo*"));
        assert!(text_matches("Fix the foobar widget", "widget fix"));
        assert!(!text_matches("Fix the foobar widget", "widget gadget"));
        assert!(text_matches("Path C:\\temp\\new", "temp"));
        assert!(text_matches("Café crème", "CAFÉ"));
        assert!(text_matches("foobar", "fo?bar"));
        assert!(!text_matches("anything", "!!"));
        assert!(has_leading_wildcard("*oob"));
        assert!(!has_leading_wildcard("foo*"));
    }
}
