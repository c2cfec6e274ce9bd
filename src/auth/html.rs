//! Reading the hidden inputs of the SAML auto-submit form identity providers answer with.

/// The `value` of the `<input>` whose `name` is `name`, HTML entities decoded.
pub fn hidden_input(html: &str, name: &str) -> Option<String> {
    let marker_double = format!("name=\"{name}\"");
    let marker_single = format!("name='{name}'");
    let at = html
        .find(&marker_double)
        .or_else(|| html.find(&marker_single))?;
    // The input tag around the name attribute.
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let value_at = tag.find("value=")? + "value=".len();
    let rest = &tag[value_at..];
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let body = &rest[1..];
    let close = body.find(quote)?;
    Some(unescape(&body[..close]))
}

/// Decodes the entities HTML attribute values use.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|s| *s <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::hidden_input;

    #[test]
    fn finds_and_decodes_hidden_inputs() {
        let html = r#"<html><body><form method="POST" action="x">
            <input type="hidden" name="SAMLResponse" value="PHNhbWw+&#x2B;=="/>
            <input type='hidden' name='RelayState' value='https://j.example/a?b=1&amp;c=&quot;2&quot;'/>
            </form></body></html>"#;
        assert_eq!(
            hidden_input(html, "SAMLResponse").as_deref(),
            Some("PHNhbWw++==")
        );
        assert_eq!(
            hidden_input(html, "RelayState").as_deref(),
            Some("https://j.example/a?b=1&c=\"2\"")
        );
        assert_eq!(hidden_input(html, "Missing"), None);
        assert_eq!(
            hidden_input("<input name=\"a\" value=\"x & y\">", "a").as_deref(),
            Some("x & y")
        );
    }
}
