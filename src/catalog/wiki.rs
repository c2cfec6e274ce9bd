//! Renders Jira wiki markup (Server/Data Center's rich text, and the v2 API's) to plain text.
//!
//! The rules, matching [`super::adf`]'s output where the two overlap: `h1.`..`h6.` drop their
//! prefix; `bq. x` and `{quote}` blocks become "> " lines; list lines (`*`, `-`, `#` repeated,
//! then a space) become "- " or "N. " items, indented two spaces per extra level; `{code}` and
//! `{noformat}` blocks keep their text verbatim; `{panel}`/`{color}` markers disappear; table
//! rows `||a||b||` and `|a|b|` become "a | b"; `----` is "---"; inline `*strong*`, `_emphasis_`,
//! `-deleted-`, `+inserted+`, `^sup^`, `~sub~`, `??citation??` and `{{monospace}}` keep their
//! text; `[text|url]` is "text (url)", `[url]` the URL, `[~user]` and `[~accountid:id]` "@user";
//! `!image.png|opts!` the file name; `\\` a line break.

/// Plain text of a wiki-markup document.
pub fn render(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut verbatim: Option<&str> = None;
    let mut quoting = false;
    let mut counters: Vec<usize> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some(end) = verbatim {
            if let Some(before) = line.strip_suffix(end) {
                if !before.is_empty() {
                    out.push(before.to_string());
                }
                verbatim = None;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(rest) = block_marker(trimmed, "{code") {
            verbatim = Some("{code}");
            push_nonempty(&mut out, rest);
            continue;
        }
        if let Some(rest) = block_marker(trimmed, "{noformat") {
            verbatim = Some("{noformat}");
            push_nonempty(&mut out, rest);
            continue;
        }
        if trimmed.starts_with("{quote}") {
            quoting = !quoting;
            let rest = trimmed.trim_start_matches("{quote}");
            if !rest.is_empty() {
                out.push(format!("> {}", inline(rest)));
            }
            continue;
        }
        if trimmed.starts_with("{panel") || trimmed == "{panel}" {
            continue;
        }
        let rendered = block_line(trimmed, &mut counters);
        out.push(if quoting {
            format!("> {rendered}")
        } else {
            rendered
        });
    }
    out.join("\n").trim_end().to_string()
}

fn push_nonempty(out: &mut Vec<String>, text: &str) {
    if !text.is_empty() {
        out.push(text.to_string());
    }
}

/// For `{code:java}x` the text after the marker's closing brace.
fn block_marker<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(marker)?;
    if !(rest.starts_with('}') || rest.starts_with(':')) {
        return None;
    }
    Some(&rest[rest.find('}')? + 1..])
}

fn block_line(line: &str, counters: &mut Vec<usize>) -> String {
    for level in 1..=6 {
        if let Some(rest) = line.strip_prefix(&format!("h{level}. ")) {
            counters.clear();
            return inline(rest);
        }
    }
    if let Some(rest) = line.strip_prefix("bq. ") {
        return format!("> {}", inline(rest));
    }
    if line == "----" {
        return "---".to_string();
    }
    let markers: String = line
        .chars()
        .take_while(|c| matches!(c, '*' | '#' | '-'))
        .collect();
    if !markers.is_empty()
        && line[markers.len()..].starts_with(' ')
        && markers
            .chars()
            .all(|c| c == markers.chars().next().unwrap_or('*'))
        && !(markers.starts_with('-') && markers.len() > 1)
    {
        let depth = markers.len();
        counters.truncate(depth);
        while counters.len() < depth {
            counters.push(0);
        }
        let indent = "  ".repeat(depth - 1);
        let body = inline(line[markers.len()..].trim_start());
        return if markers.starts_with('#') {
            counters[depth - 1] += 1;
            format!("{indent}{}. {body}", counters[depth - 1])
        } else {
            format!("{indent}- {body}")
        };
    }
    counters.clear();
    if line.starts_with('|') {
        let cells: Vec<String> = line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(inline)
            .collect();
        return cells.join(" | ");
    }
    inline(line)
}

/// Inline markup of one line.
fn inline(text: &str) -> String {
    let mut s = text.replace("\\\\", "\n");
    s = replace_between(&s, "{{", "}}", |inner| inner.to_string());
    s = replace_between(&s, "{color", "}", |_| String::new());
    s = s.replace("{color}", "");
    s = replace_between(&s, "[", "]", link);
    s = replace_between(&s, "??", "??", |inner| inner.to_string());
    s = images(&s);
    for marker in ['*', '_', '-', '+', '^', '~'] {
        s = strip_pairs(&s, marker);
    }
    s
}

fn link(inner: &str) -> String {
    if let Some(user) = inner.strip_prefix('~') {
        let user = user.strip_prefix("accountid:").unwrap_or(user);
        return format!("@{user}");
    }
    match inner.split_once('|') {
        Some((text, url)) => format!("{text} ({url})"),
        None => inner.to_string(),
    }
}

/// Replaces every `open inner close` with `f(inner)`.
fn replace_between(text: &str, open: &str, close: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(close) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&f(&after[..end]));
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    out
}

/// `!file.png!` and `!file.png|thumbnail!` -> `file.png` (only for names with a dot and no
/// spaces, so that exclamation marks in prose stay).
fn images(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('!') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let image = after.find('!').and_then(|end| {
            let inner = &after[..end];
            let name = inner.split('|').next().unwrap_or(inner);
            (!name.is_empty() && name.contains('.') && !inner.contains(char::is_whitespace))
                .then(|| (name.to_string(), end))
        });
        match image {
            Some((name, end)) => {
                out.push_str(&name);
                rest = &after[end + 1..];
            }
            None => {
                // A plain exclamation mark.
                out.push('!');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes `marker` pairs that wrap text as emphasis: the opening one at a word start, the
/// closing one at a word end. Linear: the next closing candidate after each position is known
/// before the pairs are matched, so a line of openers without closers is not rescanned.
fn strip_pairs(text: &str, marker: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let boundary = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric());
    let closes = |j: usize| {
        j > 0 && chars[j] == marker && !chars[j - 1].is_whitespace() && boundary(chars.get(j + 1))
    };
    let mut next_close = vec![usize::MAX; chars.len() + 1];
    for j in (0..chars.len()).rev() {
        next_close[j] = if closes(j) { j } else { next_close[j + 1] };
    }
    let mut drop = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        let opens = chars[i] == marker
            && boundary(if i == 0 { None } else { chars.get(i - 1) })
            && chars
                .get(i + 1)
                .is_some_and(|c| !c.is_whitespace() && *c != marker);
        if opens {
            if let Some(&j) = next_close.get(i + 2).filter(|j| **j != usize::MAX) {
                drop[i] = true;
                drop[j] = true;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    chars
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_blocks() {
        let wiki = "h1. Title\nSome *bold* and _it_ text with {{code()}} and -gone- +new+.\n\n* one\n** nested\n* two\n# first\n# second\nbq. quoted\n{code:java}\nint *x* = 1;\n{code}\n||h1||h2||\n|a|b|\n----\n{quote}\nwise words\n{quote}";
        assert_eq!(
            render(wiki),
            "Title\nSome bold and it text with code() and gone new.\n\n- one\n  - nested\n- two\n1. first\n2. second\n> quoted\nint *x* = 1;\nh1 | h2\na | b\n---\n> wise words"
        );
    }

    #[test]
    fn renders_links_mentions_images_and_breaks() {
        assert_eq!(
            render("See [the docs|https://x.test/a] or [https://y.test], ask [~jdoe] and [~accountid:5b10a2]!\\\\Done !shot.png|thumbnail! wow!"),
            "See the docs (https://x.test/a) or https://y.test, ask @jdoe and @5b10a2!\nDone shot.png wow!"
        );
    }

    #[test]
    fn prose_is_left_alone() {
        assert_eq!(
            render("a well-known 2*3 = 6 - right? snake_case_name"),
            "a well-known 2*3 = 6 - right? snake_case_name"
        );
        assert_eq!(render("{color:red}red{color} text"), "red text");
    }

    #[test]
    fn hostile_markup_renders_in_linear_time() {
        // 32 KB of openers without closers, on one line: quadratic matching took seconds.
        let line = "*a ".repeat(11_000);
        let out = render(&line);
        assert_eq!(out, line.trim_end());
        let mixed = "_x *y -z +w ^v ~u [a !b {{c ".repeat(2_000);
        assert!(render(&mixed).starts_with("_x *y -z +w ^v ~u [a !b {{c"));
    }
}
