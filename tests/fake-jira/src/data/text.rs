//! Generated texts: summaries (including the awkward ones every wrapper must survive),
//! labels and ADF documents.

use crate::adf::{Block, Doc, Inline, Mark};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Summaries that exercise quoting, unicode and JQL injection; used for the first issues and
/// then now and again.
pub const AWKWARD_SUMMARIES: [&str; 14] = [
    "Café crème: résumé of é and 中文 with emoji 🚀",
    "He said \"hello\" and 'goodbye'",
    "Path C:\\temp\\new is not found",
    "\" OR project = \"X",
    "' OR 1=1 -- and order by key",
    "Select from where: set start end empty null",
    "  leading and trailing spaces  ",
    "Tab\tand newline\nin summary",
    "Ünïcödé ✓ 日本語のテキスト",
    "foobar wildcard target",
    "backslash at end \\",
    "percent % underscore _ and {braces} [brackets]",
    "Emoji only 😄🎉",
    "NULL",
];

const VERBS: [&str; 10] = [
    "Fix",
    "Add",
    "Remove",
    "Improve",
    "Investigate",
    "Refactor",
    "Document",
    "Test",
    "Migrate",
    "Speed up",
];
const NOUNS: [&str; 12] = [
    "login redirect",
    "search page",
    "export to CSV",
    "dashboard widget",
    "email notifications",
    "billing report",
    "API rate limits",
    "mobile layout",
    "audit log",
    "user avatars",
    "caching layer",
    "database index",
];
const QUALIFIERS: [&str; 8] = [
    "",
    " for admins",
    " on Safari",
    " in production",
    " after upgrade",
    " (again)",
    " — urgent",
    " für Kunden",
];

/// Labels to draw from (Jira labels have no spaces).
pub const LABELS: [&str; 10] = [
    "backend",
    "urgent",
    "tech-debt",
    "ünïcode",
    "日本語",
    "needs_review",
    "customer:acme",
    "NULL",
    "{curly}",
    "a\"quote",
];

/// Tags (custom field 10012) to draw from.
pub const TAGS: [&str; 6] = ["alpha", "beta", "Gamma", "δέλτα", "with,comma", "x'y"];

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// The summary of the `index`-th issue.
pub fn summary(rng: &mut ChaCha8Rng, index: usize) -> String {
    if index < AWKWARD_SUMMARIES.len() {
        return AWKWARD_SUMMARIES[index].to_string();
    }
    if rng.random_bool(0.05) {
        return pick(rng, &AWKWARD_SUMMARIES).to_string();
    }
    format!(
        "{} {}{}",
        pick(rng, &VERBS),
        pick(rng, &NOUNS),
        pick(rng, &QUALIFIERS)
    )
}

fn text(s: &str) -> Inline {
    Inline::Text {
        text: s.to_string(),
        marks: vec![],
    }
}

fn paragraph(rng: &mut ChaCha8Rng, mention: (&str, &str)) -> Block {
    let mut content = vec![text(&format!(
        "{} the {}.",
        pick(rng, &VERBS),
        pick(rng, &NOUNS)
    ))];
    match rng.random_range(0..6) {
        0 => {
            content.push(text(" Ask "));
            content.push(Inline::Mention {
                id: mention.0.to_string(),
                text: format!("@{}", mention.1),
            });
        }
        1 => {
            content.push(Inline::HardBreak);
            content.push(Inline::Text {
                text: "bold move".into(),
                marks: vec![Mark::Strong, Mark::Em],
            });
        }
        2 => {
            content.push(text(" "));
            content.push(Inline::Emoji {
                short_name: ":smile:".into(),
                text: Some("😄".into()),
            });
            content.push(Inline::Emoji {
                short_name: ":custom-party:".into(),
                text: None,
            });
        }
        3 => {
            content.push(text(" See "));
            content.push(Inline::InlineCard {
                url: "https://example.com/wiki/page?a=1&b=2".into(),
            });
        }
        4 => {
            content.push(text(" Run "));
            content.push(Inline::Text {
                text: "cargo test".into(),
                marks: vec![Mark::Code],
            });
            content.push(Inline::Text {
                text: " (docs)".into(),
                marks: vec![Mark::Link("https://example.com/docs".into())],
            });
        }
        _ => content.push(Inline::Text {
            text: " don't \"quote\" me \\o/".into(),
            marks: vec![Mark::Strike],
        }),
    }
    Block::Paragraph(content)
}

fn item(rng: &mut ChaCha8Rng) -> Vec<Block> {
    vec![Block::Paragraph(vec![text(pick(rng, &NOUNS))])]
}

/// A description document built from every kind of block; `mention` is (account id, name).
pub fn description(rng: &mut ChaCha8Rng, mention: (&str, &str)) -> Doc {
    let mut blocks = vec![paragraph(rng, mention)];
    for _ in 0..rng.random_range(0..4) {
        let block = match rng.random_range(0..7) {
            0 => Block::Heading {
                level: rng.random_range(1..4),
                content: vec![text("Steps to reproduce")],
            },
            1 => Block::BulletList((0..rng.random_range(1..4)).map(|_| item(rng)).collect()),
            2 => Block::OrderedList {
                order: if rng.random_bool(0.3) {
                    Some(rng.random_range(2..5))
                } else {
                    None
                },
                items: (0..rng.random_range(1..4)).map(|_| item(rng)).collect(),
            },
            3 => Block::CodeBlock {
                language: if rng.random_bool(0.5) {
                    Some("sql".into())
                } else {
                    None
                },
                text: "SELECT 'x' FROM t;\nWHERE a = \"b\" \\ c".into(),
            },
            4 => Block::Blockquote(vec![Block::Paragraph(vec![
                text("Quoted line one"),
                Inline::HardBreak,
                text("line two"),
            ])]),
            5 => Block::Rule,
            _ => paragraph(rng, mention),
        };
        blocks.push(block);
    }
    Doc { blocks }
}

/// A one-paragraph document (environment).
pub fn one_paragraph(rng: &mut ChaCha8Rng) -> Doc {
    let envs = [
        "Chrome 120 on macOS",
        "Firefox ESR, Linux",
        "iOS 17 — Safari",
        "Windows 11 \"Pro\"",
    ];
    Doc {
        blocks: vec![Block::Paragraph(vec![text(pick(rng, &envs))])],
    }
}
