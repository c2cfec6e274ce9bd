//! The single quoting function for JQL string literals.

/// Quotes `value` as a JQL string literal that Jira reads back as exactly `value`.
///
/// Jira accepts only the escapes `\t \n \r \" \' \\ \<space> \uXXXX`, so every other control
/// character is written as `\uXXXX`; everything else passes through unchanged (JQL strings are
/// Unicode). Double quotes are always used, which also makes reserved words (`SET`, `CF`, ...)
/// safe as values.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                // Control characters are all in the Basic Multilingual Plane.
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;
    use fake_jira::jql::{parse, tokenize, Token};
    use proptest::prelude::*;

    #[test]
    fn escapes_what_jira_requires() {
        assert_eq!(quote(r#"a"b'c\d"#), r#""a\"b\'c\\d""#);
        assert_eq!(quote("x\ny\tz\u{1}"), r#""x\ny\tz\u0001""#);
        assert_eq!(quote("SET"), r#""SET""#);
        assert_eq!(quote(""), r#""""#);
    }

    proptest! {
        /// Any string comes back unchanged through Jira's lexer, as one string token.
        #[test]
        fn round_trips_through_the_lexer(s in any::<String>()) {
            let tokens = tokenize(&quote(&s)).expect("quoted string must lex");
            prop_assert_eq!(tokens, vec![Token::Str(s)]);
        }

        /// No value can change the structure of the query it is put into.
        #[test]
        fn values_cannot_inject(s in prop_oneof![
            any::<String>(),
            Just("\" OR project = \"X".to_string()),
            Just("' OR 1=1 --".to_string()),
            Just("x\\\" OR key = \\\"Y".to_string()),
            Just("SET".to_string()),
            Just(") OR (status = Done".to_string()),
            Just("a ORDER BY key".to_string()),
        ]) {
            let jql = format!("project = {} AND status = {}", quote(&s), quote(&s));
            let query = parse(&jql).expect("query with quoted values must parse");
            prop_assert!(query.order_by.is_empty());
            let rendered = format!("{:?}", query.clause);
            prop_assert!(rendered.starts_with("Some(And("), "structure changed: {}", rendered);
            let tokens = tokenize(&jql).expect("lexes");
            prop_assert_eq!(tokens.len(), 7);
        }
    }
}
