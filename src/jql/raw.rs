//! Raw JQL from `WHERE jql = '...'`: lexed before it is sent, so that it cannot close the
//! parentheses it is printed in and widen the conditions it is ANDed with (`x) OR (project IS
//! NOT EMPTY`), nor reorder the results the planner was promised (`ORDER BY`).

use crate::error::{Error, Result};

/// What a raw fragment is made of, as far as its structure matters.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Open,
    Close,
    Word(&'a str),
    /// A quoted string or any other character.
    Other,
}

fn rejected(message: &str) -> Error {
    Error::InvalidParameter {
        message: format!("the raw JQL of the jql column {message}"),
        hint: "Raw JQL is ANDed with the other conditions: it must be a condition with balanced parentheses, closed quotes and no ORDER BY (use SQL's ORDER BY).".into(),
    }
}

/// Splits JQL into tokens: quoted strings (`"..."`, `'...'`, backslash escapes), parentheses,
/// words and single other characters.
fn tokens(text: &str) -> Result<Vec<Token<'_>>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'(' => out.push(Token::Open),
            b')' => out.push(Token::Close),
            b'"' | b'\'' => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return Err(rejected("has a quoted string that is not closed")),
                        Some(b'\\') => j += 2,
                        Some(q) if *q == c => break,
                        Some(_) => j += 1,
                    }
                }
                out.push(Token::Other);
                i = j;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let start = i;
                while bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    i += 1;
                }
                out.push(Token::Word(&text[start..=i]));
            }
            c if c.is_ascii_whitespace() => {}
            _ => out.push(Token::Other),
        }
        i += 1;
    }
    Ok(out)
}

/// Accepts raw JQL that stays one condition when printed as `(text)`.
pub fn check(text: &str) -> Result<()> {
    let tokens = tokens(text)?;
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Open => depth += 1,
            Token::Close => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| rejected("closes a parenthesis it did not open"))?;
            }
            Token::Word(w) if w.eq_ignore_ascii_case("order") => {
                if matches!(tokens.get(i + 1), Some(Token::Word(b)) if b.eq_ignore_ascii_case("by"))
                {
                    return Err(rejected("has an ORDER BY"));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        return Err(rejected("opens a parenthesis it does not close"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;
    use proptest::prelude::*;

    #[test]
    fn ordinary_jql_passes() {
        for ok in [
            "project = OPS AND labels IS EMPTY",
            "(status = Done OR status = \"In (Progress\") AND summary ~ 'it''s'",
            "summary ~ \"order by\"",
            "text ~ \"a \\\" ) b\"",
            "\"Order\" = x",
            "assignee in (membersOf(\"jira-users\"))",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn widening_or_reordering_is_refused() {
        for bad in [
            "x) OR (project IS NOT EMPTY",
            "project = A) OR (project = B",
            ")",
            "((project = A)",
            "project = A ORDER BY created",
            "project = A order\n by key",
            "summary ~ \"open",
            "summary ~ 'open \\'",
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(
                err.sqlstate(),
                crate::error::SqlState::InvalidParameter,
                "{bad}"
            );
            assert!(err.hint().unwrap().contains("ANDed"));
        }
    }

    proptest! {
        /// Whatever is accepted, printed in parentheses and followed by another condition,
        /// leaves that condition at the top level: the parentheses close where they should.
        #[test]
        fn accepted_text_cannot_escape_its_parentheses(text in "[a-z()\"' \\\\=]{0,24}") {
            if check(&text).is_ok() {
                let printed = format!("({text}) AND assignee = me");
                let bytes = printed.as_bytes();
                let mut depth = 0i32;
                let mut quote: Option<u8> = None;
                let mut i = 0;
                let mut closed_at = None;
                while i < bytes.len() {
                    let c = bytes[i];
                    match quote {
                        Some(q) if c == b'\\' => { i += 1; let _ = q; }
                        Some(q) if c == q => quote = None,
                        Some(_) => {}
                        None if c == b'"' || c == b'\'' => quote = Some(c),
                        None if c == b'(' => depth += 1,
                        None if c == b')' => {
                            depth -= 1;
                            if depth == 0 && closed_at.is_none() { closed_at = Some(i); }
                        }
                        None => {}
                    }
                    i += 1;
                }
                prop_assert_eq!(closed_at, Some(text.len() + 1));
            }
        }
    }
}
