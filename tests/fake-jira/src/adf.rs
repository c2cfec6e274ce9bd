//! A small model of Atlassian Document Format (ADF), the rich-text format of API v3.
//!
//! Descriptions, environments and textarea custom fields are generated as this model, turned
//! into Jira's JSON by [`Doc::to_json`] and into the plain text a correct wrapper must show by
//! [`Doc::to_plain_text`].

use serde_json::{json, Map, Value};

/// An ADF document (`{"type":"doc","version":1,"content":[...]}`).
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// The top-level blocks.
    pub blocks: Vec<Block>,
}

/// A block node of ADF.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph of inline nodes.
    Paragraph(Vec<Inline>),
    /// A heading of the given level (1..=6).
    Heading { level: u8, content: Vec<Inline> },
    /// A bullet list; each item is a list of blocks.
    BulletList(Vec<Vec<Block>>),
    /// An ordered list starting at `order` (1 when absent); each item is a list of blocks.
    OrderedList {
        order: Option<u32>,
        items: Vec<Vec<Block>>,
    },
    /// A code block holding plain text.
    CodeBlock {
        language: Option<String>,
        text: String,
    },
    /// A block quote holding blocks.
    Blockquote(Vec<Block>),
    /// A horizontal rule.
    Rule,
}

/// An inline node of ADF.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Text with optional marks.
    Text { text: String, marks: Vec<Mark> },
    /// A mention of a user by account id, shown as `text` (e.g. `@Name`).
    Mention { id: String, text: String },
    /// A line break inside a paragraph.
    HardBreak,
    /// An emoji; `text` is the character itself when known.
    Emoji {
        short_name: String,
        text: Option<String>,
    },
    /// A link shown as a card.
    InlineCard { url: String },
}

/// A text mark (formatting).
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// Bold.
    Strong,
    /// Italic.
    Em,
    /// Inline code.
    Code,
    /// Struck through.
    Strike,
    /// A hyperlink.
    Link(String),
}

impl Doc {
    /// Jira's JSON form of the document.
    pub fn to_json(&self) -> Value {
        json!({
            "type": "doc",
            "version": 1,
            "content": self.blocks.iter().map(Block::to_json).collect::<Vec<_>>(),
        })
    }

    /// The document a JSON value holds, when it is an ADF document of the kinds this model
    /// has (what the fake itself serves).
    pub fn from_json(value: &Value) -> Option<Doc> {
        if value.get("type")?.as_str()? != "doc" || !value.get("content")?.is_array() {
            return None;
        }
        Some(Doc {
            blocks: blocks_of(value)?,
        })
    }

    /// The plain text of the document, as the wrapper must render it.
    ///
    /// Rules (the FDW renders ADF the same way):
    /// - top-level blocks are joined with `"\n\n"`;
    /// - paragraph / heading: the concatenation of their inline nodes: text -> its text,
    ///   mention -> `attrs.text`, emoji -> `attrs.text` (falling back to `attrs.shortName`),
    ///   hardBreak -> `"\n"`, inlineCard -> `attrs.url`;
    /// - bulletList: items joined with `"\n"`, each `"- "` followed by the item's blocks rendered
    ///   and joined with `"\n"`;
    /// - orderedList: the same with `"1. "`, `"2. "`, ... (starting at `attrs.order` if present);
    /// - codeBlock: its text content;
    /// - blockquote: its blocks rendered and joined with `"\n"`, each resulting line prefixed
    ///   with `"> "`;
    /// - rule: `"---"`.
    ///
    /// A null document is SQL NULL (handled by the caller).
    pub fn to_plain_text(&self) -> String {
        self.blocks
            .iter()
            .map(Block::to_plain_text)
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

impl Block {
    fn to_json(&self) -> Value {
        match self {
            Block::Paragraph(content) => {
                json!({"type": "paragraph", "content": inlines_json(content)})
            }
            Block::Heading { level, content } => json!({
                "type": "heading", "attrs": {"level": level}, "content": inlines_json(content)
            }),
            Block::BulletList(items) => json!({"type": "bulletList", "content": items_json(items)}),
            Block::OrderedList { order, items } => {
                let mut v = json!({"type": "orderedList", "content": items_json(items)});
                if let Some(order) = order {
                    v["attrs"] = json!({ "order": order });
                }
                v
            }
            Block::CodeBlock { language, text } => {
                let mut v =
                    json!({"type": "codeBlock", "content": [{"type": "text", "text": text}]});
                if let Some(language) = language {
                    v["attrs"] = json!({ "language": language });
                }
                v
            }
            Block::Blockquote(blocks) => json!({
                "type": "blockquote",
                "content": blocks.iter().map(Block::to_json).collect::<Vec<_>>()
            }),
            Block::Rule => json!({"type": "rule"}),
        }
    }

    fn to_plain_text(&self) -> String {
        match self {
            Block::Paragraph(content) | Block::Heading { content, .. } => inlines_text(content),
            Block::BulletList(items) => items
                .iter()
                .map(|item| format!("- {}", blocks_text(item)))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::OrderedList { order, items } => {
                let start = order.unwrap_or(1);
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| format!("{}. {}", start as usize + i, blocks_text(item)))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Block::CodeBlock { text, .. } => text.clone(),
            Block::Blockquote(blocks) => blocks_text(blocks)
                .split('\n')
                .map(|line| format!("> {line}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Rule => "---".to_string(),
        }
    }
}

fn content(node: &Value) -> &[Value] {
    node.get("content")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn blocks_of(node: &Value) -> Option<Vec<Block>> {
    content(node).iter().map(Block::from_json).collect()
}

fn items_of(node: &Value) -> Option<Vec<Vec<Block>>> {
    content(node).iter().map(blocks_of).collect()
}

fn inlines_of(node: &Value) -> Option<Vec<Inline>> {
    content(node).iter().map(Inline::from_json).collect()
}

impl Block {
    fn from_json(node: &Value) -> Option<Block> {
        let attr = |name: &str| node.get("attrs").and_then(|a| a.get(name));
        Some(match node.get("type")?.as_str()? {
            "paragraph" => Block::Paragraph(inlines_of(node)?),
            "heading" => Block::Heading {
                level: attr("level")?.as_u64()? as u8,
                content: inlines_of(node)?,
            },
            "bulletList" => Block::BulletList(items_of(node)?),
            "orderedList" => Block::OrderedList {
                order: attr("order").and_then(Value::as_u64).map(|o| o as u32),
                items: items_of(node)?,
            },
            "codeBlock" => Block::CodeBlock {
                language: attr("language").and_then(Value::as_str).map(str::to_string),
                text: content(node)
                    .iter()
                    .filter_map(|t| t.get("text").and_then(Value::as_str))
                    .collect(),
            },
            "blockquote" => Block::Blockquote(blocks_of(node)?),
            "rule" => Block::Rule,
            _ => return None,
        })
    }
}

impl Inline {
    fn from_json(node: &Value) -> Option<Inline> {
        let attr = |name: &str| {
            node.get("attrs")
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Some(match node.get("type")?.as_str()? {
            "text" => Inline::Text {
                text: node.get("text")?.as_str()?.to_string(),
                marks: node
                    .get("marks")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(Mark::from_json)
                    .collect::<Option<Vec<_>>>()?,
            },
            "mention" => Inline::Mention {
                id: attr("id")?,
                text: attr("text")?,
            },
            "hardBreak" => Inline::HardBreak,
            "emoji" => Inline::Emoji {
                short_name: attr("shortName")?,
                text: attr("text"),
            },
            "inlineCard" => Inline::InlineCard { url: attr("url")? },
            _ => return None,
        })
    }
}

impl Mark {
    fn from_json(node: &Value) -> Option<Mark> {
        Some(match node.get("type")?.as_str()? {
            "strong" => Mark::Strong,
            "em" => Mark::Em,
            "code" => Mark::Code,
            "strike" => Mark::Strike,
            "link" => Mark::Link(node.get("attrs")?.get("href")?.as_str()?.to_string()),
            _ => return None,
        })
    }
}

fn blocks_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(Block::to_plain_text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn items_json(items: &[Vec<Block>]) -> Vec<Value> {
    items
        .iter()
        .map(|item| {
            json!({"type": "listItem", "content": item.iter().map(Block::to_json).collect::<Vec<_>>()})
        })
        .collect()
}

fn inlines_json(content: &[Inline]) -> Vec<Value> {
    content.iter().map(Inline::to_json).collect()
}

fn inlines_text(content: &[Inline]) -> String {
    content.iter().map(Inline::to_plain_text).collect()
}

impl Inline {
    fn to_json(&self) -> Value {
        match self {
            Inline::Text { text, marks } => {
                let mut v = json!({"type": "text", "text": text});
                if !marks.is_empty() {
                    v["marks"] = Value::Array(marks.iter().map(Mark::to_json).collect());
                }
                v
            }
            Inline::Mention { id, text } => {
                json!({"type": "mention", "attrs": {"id": id, "text": text, "accessLevel": ""}})
            }
            Inline::HardBreak => json!({"type": "hardBreak"}),
            Inline::Emoji { short_name, text } => {
                let mut attrs = Map::new();
                attrs.insert("shortName".into(), json!(short_name));
                if let Some(text) = text {
                    attrs.insert("text".into(), json!(text));
                }
                json!({"type": "emoji", "attrs": attrs})
            }
            Inline::InlineCard { url } => json!({"type": "inlineCard", "attrs": {"url": url}}),
        }
    }

    fn to_plain_text(&self) -> String {
        match self {
            Inline::Text { text, .. } => text.clone(),
            Inline::Mention { text, .. } => text.clone(),
            Inline::HardBreak => "\n".to_string(),
            Inline::Emoji { short_name, text } => {
                text.clone().unwrap_or_else(|| short_name.clone())
            }
            Inline::InlineCard { url } => url.clone(),
        }
    }
}

impl Mark {
    fn to_json(&self) -> Value {
        match self {
            Mark::Strong => json!({"type": "strong"}),
            Mark::Em => json!({"type": "em"}),
            Mark::Code => json!({"type": "code"}),
            Mark::Strike => json!({"type": "strike"}),
            Mark::Link(href) => json!({"type": "link", "attrs": {"href": href}}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text {
            text: s.into(),
            marks: vec![],
        }
    }

    #[test]
    fn plain_text_follows_the_rules() {
        let doc = Doc {
            blocks: vec![
                Block::Heading {
                    level: 2,
                    content: vec![text("Title")],
                },
                Block::Paragraph(vec![
                    text("Hi "),
                    Inline::Mention {
                        id: "a1".into(),
                        text: "@Zoë".into(),
                    },
                    Inline::HardBreak,
                    Inline::Emoji {
                        short_name: ":smile:".into(),
                        text: Some("😄".into()),
                    },
                    Inline::Emoji {
                        short_name: ":x:".into(),
                        text: None,
                    },
                    Inline::InlineCard {
                        url: "https://x.test/a".into(),
                    },
                ]),
                Block::BulletList(vec![
                    vec![Block::Paragraph(vec![text("a")])],
                    vec![Block::Paragraph(vec![text("b")])],
                ]),
                Block::OrderedList {
                    order: Some(3),
                    items: vec![
                        vec![Block::Paragraph(vec![text("c")])],
                        vec![Block::Paragraph(vec![text("d")])],
                    ],
                },
                Block::CodeBlock {
                    language: None,
                    text: "x\ny".into(),
                },
                Block::Blockquote(vec![Block::Paragraph(vec![
                    text("q1"),
                    Inline::HardBreak,
                    text("q2"),
                ])]),
                Block::Rule,
            ],
        };
        assert_eq!(
            doc.to_plain_text(),
            "Title\n\nHi @Zoë\n😄:x:https://x.test/a\n\n- a\n- b\n\n3. c\n4. d\n\nx\ny\n\n> q1\n> q2\n\n---"
        );
        assert_eq!(doc.to_json()["type"], "doc");
        assert_eq!(Doc::from_json(&doc.to_json()), Some(doc));
    }
}
