//! Per-issue children (comments and worklogs), generated on demand and deterministically from
//! the instance seed and the issue, so they need no storage and never change between requests.

use super::text;
use super::{Catalog, Issue};
use crate::adf::{Block, Doc, Inline, Mark};
use chrono::{DateTime, FixedOffset};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One comment of an issue.
#[derive(Clone, Debug)]
pub struct Comment {
    /// Id (numeric string), unique across the instance.
    pub id: String,
    /// Index into [`Catalog::users`] of the author.
    pub author: usize,
    /// Index into [`Catalog::users`] of the last editor.
    pub update_author: usize,
    /// The body (ADF).
    pub body: Doc,
    /// Creation time (within the issue's created..updated).
    pub created: DateTime<FixedOffset>,
    /// Last edit time (>= created, <= the issue's updated).
    pub updated: DateTime<FixedOffset>,
}

/// One worklog entry of an issue; the entries of an issue add up to its `timespent`.
#[derive(Clone, Debug)]
pub struct Worklog {
    /// Id (numeric string), unique across the instance.
    pub id: String,
    /// Index into [`Catalog::users`] of the author.
    pub author: usize,
    /// Index into [`Catalog::users`] of the last editor.
    pub update_author: usize,
    /// The work description (ADF), absent for some entries.
    pub comment: Option<Doc>,
    /// When the entry was logged.
    pub created: DateTime<FixedOffset>,
    /// When the entry was last edited.
    pub updated: DateTime<FixedOffset>,
    /// When the work started.
    pub started: DateTime<FixedOffset>,
    /// Time spent in seconds (a multiple of 15 minutes).
    pub seconds: i64,
}

/// Comment texts that exercise unicode, quoting and emoji.
const COMMENT_TEXTS: [&str; 8] = [
    "Merci ! Ça marche maintenant 👍",
    "已修复，请验证。",
    "Проверено — всё работает.",
    "Can't reproduce on \"staging\"; see C:\\logs\\app.log",
    "LGTM ✅ — shipping it 🚀",
    "Zoë: ¿puedes revisar esto? 日本語もOK",
    "Blocked by the 'API, \"v2\"' component",
    "NULL",
];

/// Worklog texts.
const WORK_TEXTS: [&str; 5] = [
    "Investigated the root cause",
    "Code review — Überprüfung",
    "Pair programming 👩‍💻👨‍💻",
    "Wrote tests for \"edge\" cases",
    "调试和修复",
];

/// A generator for one issue and one kind of child: the same seed, issue and salt always give
/// the same sequence.
fn rng_for(seed: u64, issue: &Issue, salt: u64) -> ChaCha8Rng {
    let mixed = seed
        ^ issue.id.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ salt.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    ChaCha8Rng::seed_from_u64(mixed)
}

/// A time uniformly between `from` and `to` (in `from`'s offset), with milliseconds.
fn between(
    rng: &mut ChaCha8Rng,
    from: DateTime<FixedOffset>,
    to: DateTime<FixedOffset>,
) -> DateTime<FixedOffset> {
    let a = from.timestamp_millis();
    let b = to.timestamp_millis().max(a);
    let at = rng.random_range(a..=b);
    DateTime::from_timestamp_millis(at)
        .map(|t| t.with_timezone(&from.timezone()))
        .unwrap_or(from)
}

/// A random human (not the app account).
fn human(rng: &mut ChaCha8Rng, catalog: &Catalog) -> usize {
    rng.random_range(0..catalog.users.len().saturating_sub(1).max(1))
}

fn paragraph_doc(s: &str) -> Doc {
    Doc {
        blocks: vec![Block::Paragraph(vec![Inline::Text {
            text: s.to_string(),
            marks: vec![],
        }])],
    }
}

/// The comments of an issue in creation order (0 to 4; about 30% of issues have none).
pub fn comments(seed: u64, catalog: &Catalog, issue: &Issue) -> Vec<Comment> {
    if let Some(changed) = &issue.comments {
        return changed.clone();
    }
    // An issue a client created has only what the client added.
    if issue.written {
        return Vec::new();
    }
    let mut rng = rng_for(seed, issue, 1);
    let count = if rng.random_bool(0.3) {
        0
    } else {
        rng.random_range(1..=4)
    };
    let start = issue.created.with_timezone(&issue.updated.timezone());
    let mut times: Vec<DateTime<FixedOffset>> = (0..count)
        .map(|_| between(&mut rng, start, issue.updated))
        .collect();
    times.sort();
    times
        .into_iter()
        .enumerate()
        .map(|(k, created)| {
            let author = if rng.random_bool(0.1) {
                catalog.users.len() - 1
            } else {
                human(&mut rng, catalog)
            };
            let body = match rng.random_range(0..3) {
                0 => {
                    let m = &catalog.users[human(&mut rng, catalog)];
                    text::description(&mut rng, (&m.account_id, &m.display_name))
                }
                1 => Doc {
                    blocks: vec![Block::Paragraph(vec![
                        Inline::Text {
                            text: COMMENT_TEXTS[rng.random_range(0..COMMENT_TEXTS.len())].into(),
                            marks: vec![],
                        },
                        Inline::HardBreak,
                        Inline::Text {
                            text: "— thanks".into(),
                            marks: vec![Mark::Em],
                        },
                    ])],
                },
                _ => paragraph_doc(COMMENT_TEXTS[rng.random_range(0..COMMENT_TEXTS.len())]),
            };
            let edited = rng.random_bool(0.3);
            let updated = if edited {
                between(&mut rng, created, issue.updated)
            } else {
                created
            };
            let update_author = if edited && rng.random_bool(0.3) {
                human(&mut rng, catalog)
            } else {
                author
            };
            Comment {
                id: (issue.id * 10 + k as u64).to_string(),
                author,
                update_author,
                body,
                created,
                updated,
            }
        })
        .collect()
}

/// The worklogs of an issue in start order: none when it has no time spent, otherwise 1 to 4
/// entries whose seconds add up to the issue's `timespent`.
pub fn worklogs(seed: u64, catalog: &Catalog, issue: &Issue) -> Vec<Worklog> {
    if let Some(changed) = &issue.worklogs {
        return changed.clone();
    }
    let mut rng = rng_for(seed, issue, 2);
    let units = issue.time_spent.unwrap_or(0) / 900;
    if units <= 0 {
        return Vec::new();
    }
    let count = rng.random_range(1..=4).min(units);
    let mut parts = vec![1i64; count as usize];
    for _ in 0..(units - count) {
        let i = rng.random_range(0..parts.len());
        parts[i] += 1;
    }
    let start = issue.created.with_timezone(&issue.updated.timezone());
    let mut starts: Vec<DateTime<FixedOffset>> = parts
        .iter()
        .map(|_| between(&mut rng, start, issue.updated))
        .collect();
    starts.sort();
    parts
        .iter()
        .zip(starts)
        .enumerate()
        .map(|(k, (units, started))| {
            let author = human(&mut rng, catalog);
            let created = between(&mut rng, started, issue.updated);
            let updated = if rng.random_bool(0.2) {
                between(&mut rng, created, issue.updated)
            } else {
                created
            };
            let comment = if rng.random_bool(0.3) {
                None
            } else {
                Some(paragraph_doc(
                    WORK_TEXTS[rng.random_range(0..WORK_TEXTS.len())],
                ))
            };
            Worklog {
                id: (issue.id * 10 + k as u64).to_string(),
                author,
                update_author: author,
                comment,
                created,
                updated,
                started,
                seconds: units * 900,
            }
        })
        .collect()
}

/// Jira's duration text for seconds, with 8-hour days and 5-day weeks: `1w 2d 3h 45m`;
/// zero is `0m`.
pub fn duration_text(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let units = [("w", 5 * 8 * 60), ("d", 8 * 60), ("h", 60), ("m", 1)];
    let mut rest = minutes;
    let mut out = Vec::new();
    for (name, size) in units {
        let n = rest / size;
        rest %= size;
        if n > 0 {
            out.push(format!("{n}{name}"));
        }
    }
    if out.is_empty() {
        "0m".to_string()
    } else {
        out.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate;

    #[test]
    fn durations_read_like_jira() {
        assert_eq!(duration_text(5400), "1h 30m");
        assert_eq!(duration_text(0), "0m");
        assert_eq!(duration_text(35100), "1d 1h 45m");
        assert_eq!(duration_text(5 * 8 * 3600 + 900), "1w 15m");
    }

    #[test]
    fn children_are_deterministic_and_consistent() {
        let ds = generate(300, 9, "t@example.com", "UTC");
        let mut with_comments = 0;
        let mut without = 0;
        for issue in &ds.issues {
            let a = comments(9, &ds.catalog, issue);
            let b = comments(9, &ds.catalog, issue);
            assert_eq!(a.len(), b.len());
            assert!(a.len() <= 4);
            for (x, y) in a.iter().zip(&b) {
                assert_eq!((&x.id, &x.body, x.created), (&y.id, &y.body, y.created));
                assert!(x.created >= issue.created && x.updated <= issue.updated);
                assert!(x.updated >= x.created);
            }
            if a.is_empty() {
                without += 1;
            } else {
                with_comments += 1;
            }
            let w = worklogs(9, &ds.catalog, issue);
            let total: i64 = w.iter().map(|w| w.seconds).sum();
            assert_eq!(total, issue.time_spent.unwrap_or(0));
            assert!(w.len() <= 4);
            for x in &w {
                assert!(x.started >= issue.created && x.created <= issue.updated);
                assert!(x.created >= x.started && x.updated >= x.created);
            }
        }
        assert!(with_comments > 100 && without > 30);
        let other = generate(300, 10, "t@example.com", "UTC");
        let differs = ds.issues.iter().zip(&other.issues).any(|(x, y)| {
            comments(9, &ds.catalog, x).len() != comments(10, &other.catalog, y).len()
        });
        assert!(differs, "another seed gives other children");
    }
}
