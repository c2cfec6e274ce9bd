//! Jira wiki markup, the rich text of Data Center's REST API: the markup a [`Doc`] is stored as
//! there, and the plain text a wrapper must show for that markup.
//!
//! Rules of the plain text: blocks are joined with `"\n\n"`; `h1.`..`h6.` lose their prefix;
//! `*` items become `"- "` and `#` items `"1. "`, `"2. "`, ... (wiki markup has no start
//! number); `{code}` blocks keep their text; `{quote}` lines get `"> "`; `----` is `"---"`;
//! `*strong*`, `_emphasis_`, `-deleted-` and `{{monospace}}` keep their text; `[text|url]` is
//! `"text (url)"`; a mention `[~name]` is `"@name"`; line breaks stay line breaks.

use crate::adf::{Block, Doc, Inline, Mark};

/// A document as wiki markup and as the plain text of that markup.
#[derive(Clone, Debug, PartialEq)]
pub struct Wiki {
    /// What Jira stores and serves.
    pub markup: String,
    /// What a wrapper shows.
    pub plain: String,
}

impl Wiki {
    fn join(parts: Vec<Wiki>, separator: &str) -> Wiki {
        let (markup, plain): (Vec<String>, Vec<String>) =
            parts.into_iter().map(|w| (w.markup, w.plain)).unzip();
        Wiki {
            markup: markup.join(separator),
            plain: plain.join(separator),
        }
    }
}

/// `doc` in wiki markup; `user_name` names a mentioned account as Data Center does.
pub fn from_doc(doc: &Doc, user_name: &dyn Fn(&str) -> String) -> Wiki {
    Wiki::join(
        doc.blocks.iter().map(|b| block(b, user_name)).collect(),
        "\n\n",
    )
}

fn block(b: &Block, user_name: &dyn Fn(&str) -> String) -> Wiki {
    match b {
        Block::Paragraph(content) => inlines(content, user_name),
        Block::Heading { level, content } => {
            let text = inlines(content, user_name);
            Wiki {
                markup: format!("h{level}. {}", text.markup),
                plain: text.plain,
            }
        }
        Block::BulletList(items) => Wiki::join(
            items
                .iter()
                .map(|item| {
                    let text = item_text(item, user_name);
                    Wiki {
                        markup: format!("* {}", text.markup),
                        plain: format!("- {}", text.plain),
                    }
                })
                .collect(),
            "\n",
        ),
        Block::OrderedList { items, .. } => Wiki::join(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let text = item_text(item, user_name);
                    Wiki {
                        markup: format!("# {}", text.markup),
                        plain: format!("{}. {}", i + 1, text.plain),
                    }
                })
                .collect(),
            "\n",
        ),
        Block::CodeBlock { language, text } => Wiki {
            markup: match language {
                Some(l) => format!("{{code:{l}}}\n{text}\n{{code}}"),
                None => format!("{{code}}\n{text}\n{{code}}"),
            },
            plain: text.clone(),
        },
        Block::Blockquote(blocks) => {
            let inner = Wiki::join(blocks.iter().map(|b| block(b, user_name)).collect(), "\n");
            Wiki {
                markup: format!("{{quote}}\n{}\n{{quote}}", inner.markup),
                plain: inner
                    .plain
                    .split('\n')
                    .map(|line| format!("> {line}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            }
        }
        Block::Rule => Wiki {
            markup: "----".into(),
            plain: "---".into(),
        },
    }
}

/// A list item's blocks on one line.
fn item_text(blocks: &[Block], user_name: &dyn Fn(&str) -> String) -> Wiki {
    Wiki::join(blocks.iter().map(|b| block(b, user_name)).collect(), " ")
}

fn inlines(content: &[Inline], user_name: &dyn Fn(&str) -> String) -> Wiki {
    Wiki::join(content.iter().map(|i| inline(i, user_name)).collect(), "")
}

fn inline(i: &Inline, user_name: &dyn Fn(&str) -> String) -> Wiki {
    let same = |s: &str| Wiki {
        markup: s.to_string(),
        plain: s.to_string(),
    };
    match i {
        Inline::Text { text, marks } => marked(text, marks),
        Inline::Mention { id, .. } => {
            let name = user_name(id);
            Wiki {
                markup: format!("[~{name}]"),
                plain: format!("@{name}"),
            }
        }
        Inline::HardBreak => same("\n"),
        Inline::Emoji { short_name, text } => same(text.as_deref().unwrap_or(short_name)),
        Inline::InlineCard { url } => same(url),
    }
}

/// Text with marks; the markers go inside the text's surrounding spaces, where wiki markup
/// recognizes them.
fn marked(text: &str, marks: &[Mark]) -> Wiki {
    let core = text.trim();
    if core.is_empty() || marks.is_empty() {
        return Wiki {
            markup: text.to_string(),
            plain: text.to_string(),
        };
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    let mut markup = core.to_string();
    let mut plain = core.to_string();
    for mark in marks {
        match mark {
            Mark::Strong => markup = format!("*{markup}*"),
            Mark::Em => markup = format!("_{markup}_"),
            Mark::Strike => markup = format!("-{markup}-"),
            Mark::Code => markup = format!("{{{{{markup}}}}}"),
            Mark::Link(url) => {
                markup = format!("[{markup}|{url}]");
                plain = format!("{plain} ({url})");
            }
        }
    }
    Wiki {
        markup: format!("{lead}{markup}{trail}"),
        plain: format!("{lead}{plain}{trail}"),
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
    fn markup_and_its_plain_text() {
        let doc = Doc {
            blocks: vec![
                Block::Heading {
                    level: 2,
                    content: vec![text("Title")],
                },
                Block::Paragraph(vec![
                    text("Ask "),
                    Inline::Mention {
                        id: "a1".into(),
                        text: "@Zoë".into(),
                    },
                    Inline::HardBreak,
                    Inline::Text {
                        text: "gone ".into(),
                        marks: vec![Mark::Strike],
                    },
                    Inline::Text {
                        text: "docs".into(),
                        marks: vec![Mark::Link("https://x.test".into())],
                    },
                ]),
                Block::OrderedList {
                    order: Some(3),
                    items: vec![
                        vec![Block::Paragraph(vec![text("c")])],
                        vec![Block::Paragraph(vec![text("d")])],
                    ],
                },
                Block::CodeBlock {
                    language: Some("sql".into()),
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
        let wiki = from_doc(&doc, &|id| format!("u-{id}"));
        assert_eq!(
            wiki.markup,
            "h2. Title\n\nAsk [~u-a1]\n-gone- [docs|https://x.test]\n\n# c\n# d\n\n{code:sql}\nx\ny\n{code}\n\n{quote}\nq1\nq2\n{quote}\n\n----"
        );
        assert_eq!(
            wiki.plain,
            "Title\n\nAsk @u-a1\ngone docs (https://x.test)\n\n1. c\n2. d\n\nx\ny\n\n> q1\n> q2\n\n---"
        );
    }
}
