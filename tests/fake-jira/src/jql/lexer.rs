//! The JQL tokenizer: quoted and unquoted strings with Jira's escapes, operators and
//! punctuation, each token with its 1-based character position for error messages.

use super::JqlError;

/// A JQL token.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// A quoted string (`"..."` or `'...'`) with escapes decoded.
    Str(String),
    /// An unquoted string (keyword, field name, value, number), escapes decoded.
    Word(String),
    /// A comparison operator: `=` `!=` `~` `!~` `<` `>` `<=` `>=`.
    Op(String),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `[` (as in `cf[10010]`)
    LBracket,
    /// `]`
    RBracket,
    /// `!` on its own: NOT.
    Bang,
    /// `&` or `&&`: AND.
    Amp,
    /// `|` or `||`: OR.
    Pipe,
}

/// A token with where it starts and how it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    /// The token.
    pub token: Token,
    /// 1-based character position of its first character.
    pub position: usize,
    /// The source text of the token (for error messages).
    pub text: String,
}

/// Characters that end an unquoted string.
fn is_special(c: char) -> bool {
    c.is_whitespace() || "\"'=!<>()~,[]|&".contains(c)
}

/// Characters reserved by JQL that must be quoted or escaped.
fn is_reserved_char(c: char) -> bool {
    "{}*/%+^$#@?;".contains(c)
}

/// Splits a JQL query into tokens.
pub fn tokenize(input: &str) -> Result<Vec<Token>, JqlError> {
    Ok(tokenize_spanned(input)?
        .into_iter()
        .map(|s| s.token)
        .collect())
}

/// Splits a JQL query into tokens with their positions.
pub fn tokenize_spanned(input: &str) -> Result<Vec<Spanned>, JqlError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let token = match c {
            '"' | '\'' => {
                let (s, next) = quoted(&chars, i)?;
                i = next;
                Token::Str(s)
            }
            '(' | ')' | ',' | '[' | ']' | '~' | '=' => {
                i += 1;
                match c {
                    '(' => Token::LParen,
                    ')' => Token::RParen,
                    ',' => Token::Comma,
                    '[' => Token::LBracket,
                    ']' => Token::RBracket,
                    _ => Token::Op(c.to_string()),
                }
            }
            '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                match (c, next) {
                    ('!', Some('=')) | ('!', Some('~')) | ('<', Some('=')) | ('>', Some('=')) => {
                        i += 2;
                        Token::Op(chars[start..i].iter().collect())
                    }
                    ('!', _) => {
                        i += 1;
                        Token::Bang
                    }
                    _ => {
                        i += 1;
                        Token::Op(c.to_string())
                    }
                }
            }
            '&' | '|' => {
                i += if chars.get(i + 1) == Some(&c) { 2 } else { 1 };
                if c == '&' {
                    Token::Amp
                } else {
                    Token::Pipe
                }
            }
            c if is_reserved_char(c) => {
                return Err(JqlError::new(
                    format!(
                        "The character '{c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u{:04x}' instead.",
                        c as u32
                    ),
                    start + 1,
                ))
            }
            _ => {
                let (s, next) = unquoted(&chars, i)?;
                i = next;
                Token::Word(s)
            }
        };
        out.push(Spanned {
            token,
            position: start + 1,
            text: chars[start..i].iter().collect(),
        });
    }
    Ok(out)
}

/// Decodes the escape starting at `chars[i] == '\\'`; returns the character and the next index.
fn escape(chars: &[char], i: usize) -> Result<(char, usize), JqlError> {
    let illegal = |seq: String| {
        JqlError::new(
            format!(
                "'{seq}' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX."
            ),
            i + 1,
        )
    };
    let Some(&c) = chars.get(i + 1) else {
        return Err(illegal("\\".to_string()));
    };
    let decoded = match c {
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        '"' => '"',
        '\'' => '\'',
        '\\' => '\\',
        ' ' => ' ',
        'u' => {
            let hex: String = chars.iter().skip(i + 2).take(4).collect();
            let code = (hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(&hex, 16).ok())
                .flatten()
                .and_then(char::from_u32)
                .filter(|&c| c != '\0');
            return match code {
                Some(ch) => Ok((ch, i + 6)),
                None => Err(illegal(format!("\\u{hex}"))),
            };
        }
        other => return Err(illegal(format!("\\{other}"))),
    };
    Ok((decoded, i + 2))
}

fn quoted(chars: &[char], start: usize) -> Result<(String, usize), JqlError> {
    let quote = chars[start];
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return Ok((s, i + 1)),
            '\\' => {
                let (c, next) = escape(chars, i)?;
                s.push(c);
                i = next;
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err(JqlError::new(
        format!("The quoted string '{s}' has not been completed."),
        start + 1,
    ))
}

fn unquoted(chars: &[char], start: usize) -> Result<(String, usize), JqlError> {
    let mut s = String::new();
    let mut i = start;
    while i < chars.len() && !is_special(chars[i]) {
        match chars[i] {
            '\\' => {
                let (c, next) = escape(chars, i)?;
                s.push(c);
                i = next;
            }
            c if is_reserved_char(c) => {
                return Err(JqlError::new(
                    format!(
                        "The character '{c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u{:04x}' instead.",
                        c as u32
                    ),
                    i + 1,
                ))
            }
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Ok((s, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_escape_is_decoded() {
        let t = tokenize(r#""a\tb\nc\rd\"e\'f\\g\ h\u00e9""#).unwrap();
        assert_eq!(t, vec![Token::Str("a\tb\nc\rd\"e'f\\g hé".into())]);
        let t = tokenize(r"'it\'s' foo\ bar").unwrap();
        assert_eq!(
            t,
            vec![Token::Str("it's".into()), Token::Word("foo bar".into())]
        );
    }

    #[test]
    fn illegal_escapes_are_rejected_with_position() {
        let e = tokenize(r#"summary ~ "a\qb""#).unwrap_err();
        assert!(
            e.message
                .contains("'\\q' is an illegal JQL escape sequence"),
            "{}",
            e.message
        );
        assert_eq!(e.position, 13);
        assert!(tokenize(r#""\u12""#).is_err());
        assert!(tokenize(r#""\u0000""#).is_err());
        assert!(tokenize(r#""abc\"#).is_err());
    }

    #[test]
    fn quotes_are_equivalent_and_unterminated_is_an_error() {
        assert_eq!(tokenize("'x y'").unwrap(), tokenize("\"x y\"").unwrap());
        let e = tokenize("status = \"Done").unwrap_err();
        assert_eq!(e.position, 10);
        assert!(e.message.contains("has not been completed"));
    }

    #[test]
    fn operators_and_punctuation() {
        let t = tokenize("a!=b c!~d e<=f g>=h i<j k>l m~n o=p !q && r || s cf[1],(x)").unwrap();
        let ops: Vec<_> = t
            .iter()
            .filter_map(|t| {
                if let Token::Op(o) = t {
                    Some(o.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(ops, ["!=", "!~", "<=", ">=", "<", ">", "~", "="]);
        assert!(t.contains(&Token::Bang) && t.contains(&Token::Amp) && t.contains(&Token::Pipe));
        assert!(
            t.contains(&Token::LBracket)
                && t.contains(&Token::RBracket)
                && t.contains(&Token::Comma)
        );
    }

    #[test]
    fn unquoted_strings_stop_at_specials_and_reject_reserved_chars() {
        assert_eq!(
            tokenize("key=ALPHA-1").unwrap(),
            vec![
                Token::Word("key".into()),
                Token::Op("=".into()),
                Token::Word("ALPHA-1".into())
            ]
        );
        let e = tokenize("summary ~ foo*").unwrap_err();
        assert_eq!(e.position, 14);
        assert!(tokenize("a = b@c").is_err());
        assert_eq!(
            tokenize("created > -4d").unwrap()[2],
            Token::Word("-4d".into())
        );
    }
}
