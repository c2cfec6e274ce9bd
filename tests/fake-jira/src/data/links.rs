//! Issue links and attachments: generated once per data set from the seed, after the issues,
//! with their own random stream so the issues themselves do not change.

use super::{Catalog, Issue};
use chrono::{DateTime, FixedOffset};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An issue link type, as `GET /issueLinkType` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkType {
    /// Id (numeric string).
    pub id: &'static str,
    /// Name, e.g. `Blocks`.
    pub name: &'static str,
    /// How the inward issue reads, e.g. `is blocked by`.
    pub inward: &'static str,
    /// How the outward issue reads, e.g. `blocks`.
    pub outward: &'static str,
}

/// Jira Cloud's default link types.
pub const LINK_TYPES: [LinkType; 4] = [
    LinkType {
        id: "10000",
        name: "Blocks",
        inward: "is blocked by",
        outward: "blocks",
    },
    LinkType {
        id: "10001",
        name: "Cloners",
        inward: "is cloned by",
        outward: "clones",
    },
    LinkType {
        id: "10002",
        name: "Duplicate",
        inward: "is duplicated by",
        outward: "duplicates",
    },
    LinkType {
        id: "10003",
        name: "Relates",
        inward: "relates to",
        outward: "relates to",
    },
];

/// One link between two issues: `inward` <type.outward> `outward` (e.g. A blocks B has A as
/// the inward issue and B as the outward issue). Both issues list it under the same id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueLink {
    /// Id (numeric string), unique across the instance.
    pub id: String,
    /// Index into [`LINK_TYPES`].
    pub link_type: usize,
    /// Index into `Dataset::issues` of the issue the link starts from.
    pub inward: usize,
    /// Index into `Dataset::issues` of the issue the link points at.
    pub outward: usize,
}

/// One attachment of an issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Id (numeric string), unique across the instance.
    pub id: String,
    /// File name (may contain unicode, spaces and quotes).
    pub filename: String,
    /// Index into [`Catalog::users`] of the uploader.
    pub author: usize,
    /// Upload time (within the issue's created..updated).
    pub created: DateTime<FixedOffset>,
    /// Size in bytes.
    pub size: u64,
    /// MIME type.
    pub mime_type: String,
}

impl Attachment {
    /// Whether Jira makes a thumbnail for it (images only).
    pub fn has_thumbnail(&self) -> bool {
        self.mime_type.starts_with("image/")
    }
}

const FILES: [(&str, &str); 7] = [
    ("screenshot.png", "image/png"),
    ("stacktrace.txt", "text/plain"),
    ("Überprüfung — report.pdf", "application/pdf"),
    (
        "日本語のメモ.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("export \"final\", v2.csv", "text/csv"),
    ("photo 🚀.jpg", "image/jpeg"),
    ("logs.zip", "application/zip"),
];

fn between(
    rng: &mut ChaCha8Rng,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let a = from.timestamp_millis();
    let b = to.timestamp_millis().max(a);
    DateTime::from_timestamp_millis(rng.random_range(a..=b))
        .map(|t| t.with_timezone(&to.timezone()))
        .unwrap_or(to)
}

/// Adds links (about 20% of issues start 1 or 2) and attachments (about 25% of issues have
/// 1 to 3) to `issues`; returns every link in id order. Each issue's `links` lists the ids of
/// the links it takes part in, on either side.
pub fn attach(issues: &mut [Issue], catalog: &Catalog, seed: u64) -> Vec<IssueLink> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1155_E5A7_7AC4_0001);
    let mut links: Vec<IssueLink> = Vec::new();
    let n = issues.len();
    let humans = catalog.users.len().saturating_sub(1).max(1);
    let mut next_attachment = 10000u64;
    for i in 0..n {
        if n > 1 && rng.random_bool(0.2) {
            for _ in 0..rng.random_range(1..=2) {
                let mut other = rng.random_range(0..n - 1);
                if other >= i {
                    other += 1;
                }
                let link_type = rng.random_range(0..LINK_TYPES.len());
                let (inward, outward) = if rng.random_bool(0.5) {
                    (i, other)
                } else {
                    (other, i)
                };
                let duplicate = links.iter().any(|l| {
                    (l.inward == inward && l.outward == outward)
                        || (l.inward == outward && l.outward == inward)
                });
                if duplicate {
                    continue;
                }
                let id = (10000 + links.len()).to_string();
                issues[inward].links.push(links.len());
                issues[outward].links.push(links.len());
                links.push(IssueLink {
                    id,
                    link_type,
                    inward,
                    outward,
                });
            }
        }
        if rng.random_bool(0.25) {
            let count = rng.random_range(1..=3);
            let (created, updated) = (issues[i].created, issues[i].updated);
            let mut files: Vec<Attachment> = (0..count)
                .map(|_| {
                    let (filename, mime) = FILES[rng.random_range(0..FILES.len())];
                    let at = between(&mut rng, created, updated);
                    next_attachment += 1;
                    Attachment {
                        id: next_attachment.to_string(),
                        filename: filename.to_string(),
                        author: rng.random_range(0..humans),
                        created: at,
                        size: rng.random_range(12..5_000_000),
                        mime_type: mime.to_string(),
                    }
                })
                .collect();
            files.sort_by_key(|a| a.created);
            issues[i].attachments = files;
        }
    }
    links
}
