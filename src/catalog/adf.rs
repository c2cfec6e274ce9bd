//! Renders Atlassian Document Format (Jira Cloud's rich text) to plain text.
//!
//! The rules, so that results are predictable: top-level blocks are joined with a blank line;
//! a paragraph or heading is its inline nodes concatenated (text as is, mention and emoji by
//! their `text`, emoji falling back to `shortName`, hardBreak as a newline, inlineCard and
//! blockCard by their URL); list items are "- " or "N. " (from the list's `order`) followed by
//! their blocks joined with a newline, items joined with a newline; a codeBlock is its text; a
//! blockquote is its blocks with each line prefixed "> "; a rule is "---". Unknown nodes render
//! their children, so new node types degrade to their text.

use serde_json::Value;

/// Plain text of an ADF document (or of any ADF node).
pub fn render(doc: &Value) -> String {
    match node_type(doc) {
        "doc" => render_blocks(doc, "\n\n"),
        _ => render_node(doc),
    }
}

fn node_type(node: &Value) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or("")
}

fn attr<'a>(node: &'a Value, name: &str) -> Option<&'a str> {
    node.get("attrs")?.get(name)?.as_str()
}

fn children(node: &Value) -> &[Value] {
    node.get("content")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn render_blocks(node: &Value, separator: &str) -> String {
    children(node)
        .iter()
        .map(render_node)
        .collect::<Vec<_>>()
        .join(separator)
}

fn render_inline(node: &Value) -> String {
    children(node).iter().map(render_node).collect()
}

fn render_list(node: &Value, ordered: bool) -> String {
    let start = node
        .get("attrs")
        .and_then(|a| a.get("order"))
        .and_then(Value::as_i64)
        .unwrap_or(1);
    children(node)
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let marker = if ordered {
                format!("{}. ", start + i as i64)
            } else {
                "- ".to_string()
            };
            marker + &render_blocks(item, "\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_node(node: &Value) -> String {
    match node_type(node) {
        "text" => node
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        "hardBreak" => "\n".to_string(),
        "mention" => attr(node, "text").unwrap_or("").to_string(),
        "emoji" => attr(node, "text")
            .or_else(|| attr(node, "shortName"))
            .unwrap_or("")
            .to_string(),
        "inlineCard" | "blockCard" => attr(node, "url").unwrap_or("").to_string(),
        "paragraph" | "heading" | "codeBlock" => render_inline(node),
        "bulletList" => render_list(node, false),
        "orderedList" => render_list(node, true),
        "blockquote" => render_blocks(node, "\n")
            .lines()
            .map(|l| format!("> {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        "rule" => "---".to_string(),
        "doc" => render_blocks(node, "\n\n"),
        _ => render_blocks(node, "\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    #[test]
    fn renders_every_common_node() {
        let doc = json!({"type":"doc","version":1,"content":[
            {"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Title"}]},
            {"type":"paragraph","content":[
                {"type":"text","text":"Hi ","marks":[{"type":"strong"}]},
                {"type":"mention","attrs":{"id":"abc","text":"@Zoë"}},
                {"type":"text","text":" see"},
                {"type":"hardBreak"},
                {"type":"inlineCard","attrs":{"url":"https://x.test/1"}},
                {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},
                {"type":"emoji","attrs":{"shortName":":x:"}}
            ]},
            {"type":"bulletList","content":[
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}
            ]},
            {"type":"orderedList","attrs":{"order":3},"content":[
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"c"}]}]},
                {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"d"}]}]}
            ]},
            {"type":"codeBlock","attrs":{"language":"rust"},"content":[{"type":"text","text":"let x = \"\\\\\";\nx"}]},
            {"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"q1"},{"type":"hardBreak"},{"type":"text","text":"q2"}]}]},
            {"type":"rule"},
            {"type":"panel","content":[{"type":"paragraph","content":[{"type":"text","text":"inside"}]}]}
        ]});
        assert_eq!(
            render(&doc),
            "Title\n\nHi @Zoë see\nhttps://x.test/1😄:x:\n\n- a\n- b\n\n3. c\n4. d\n\nlet x = \"\\\\\";\nx\n\n> q1\n> q2\n\n---\n\ninside"
        );
    }

    #[test]
    fn empty_document_is_empty_text() {
        assert_eq!(render(&json!({"type":"doc","version":1,"content":[]})), "");
    }
}
