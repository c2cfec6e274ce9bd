//! Per-issue changelogs, watchers and voters, generated on demand and deterministically from
//! the instance seed and the issue, consistent with the issue's status, resolution and its
//! `watches` and `votes` counts.

use super::{Catalog, Issue};
use chrono::{DateTime, FixedOffset};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One changed field of a history entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeItem {
    /// Field name, e.g. `status`.
    pub field: String,
    /// `jira` for system fields.
    pub fieldtype: String,
    /// Field id, e.g. `status`.
    pub field_id: String,
    /// Old value id (null when unset).
    pub from: Option<String>,
    /// Old value text (null when unset).
    pub from_string: Option<String>,
    /// New value id (null when unset).
    pub to: Option<String>,
    /// New value text (null when unset).
    pub to_string: Option<String>,
}

/// One history entry of an issue's changelog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    /// Id (numeric string), unique across the instance.
    pub id: String,
    /// Index into [`Catalog::users`] of who made the change.
    pub author: usize,
    /// When (within the issue's created..updated, in creation order).
    pub created: DateTime<FixedOffset>,
    /// What changed.
    pub items: Vec<ChangeItem>,
}

fn rng_for(seed: u64, issue: &Issue, salt: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(
        seed ^ issue.id.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ salt.wrapping_mul(0x9E37_79B9),
    )
}

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

fn item(field: &str, from: Option<(&str, &str)>, to: Option<(&str, &str)>) -> ChangeItem {
    ChangeItem {
        field: field.to_string(),
        fieldtype: "jira".to_string(),
        field_id: field.to_string(),
        from: from.map(|f| f.0.to_string()),
        from_string: from.map(|f| f.1.to_string()),
        to: to.map(|t| t.0.to_string()),
        to_string: to.map(|t| t.1.to_string()),
    }
}

/// The changelog of an issue, oldest first: status changes from `To Do` (the first status)
/// through 0 to 2 intermediate statuses to the issue's current status; the change into a done
/// status also sets the resolution and happens at the resolution date. Issues still in the
/// first status may have been reopened (a change away and back) or have no history.
pub fn changelog(seed: u64, catalog: &Catalog, issue: &Issue) -> Vec<History> {
    let mut rng = rng_for(seed, issue, 3);
    let mut path = vec![0usize];
    for _ in 0..rng.random_range(0..=2) {
        let mut next = rng.random_range(0..catalog.statuses.len());
        if Some(&next) == path.last() {
            next = (next + 1) % catalog.statuses.len();
        }
        let done = catalog.categories[catalog.statuses[next].category].key == "done";
        if done {
            continue;
        }
        path.push(next);
    }
    if path.last() != Some(&issue.status) {
        path.push(issue.status);
    }
    let steps = path.len() - 1;
    let start = issue.created.with_timezone(&issue.updated.timezone());
    let last_at = issue
        .resolution_date
        .unwrap_or_else(|| between(&mut rng, start, issue.updated));
    let mut times: Vec<DateTime<FixedOffset>> = (0..steps.saturating_sub(1))
        .map(|_| between(&mut rng, start, last_at))
        .collect();
    times.sort();
    times.push(last_at);
    let humans = catalog.users.len().saturating_sub(1).max(1);
    path.windows(2)
        .zip(times)
        .enumerate()
        .map(|(k, (pair, created))| {
            let (a, b) = (&catalog.statuses[pair[0]], &catalog.statuses[pair[1]]);
            let mut items = vec![item(
                "status",
                Some((&a.id, &a.name)),
                Some((&b.id, &b.name)),
            )];
            if k + 1 == steps {
                if let Some(r) = issue.resolution {
                    let r = &catalog.resolutions[r];
                    items.insert(0, item("resolution", None, Some((&r.id, &r.name))));
                }
            }
            let author = if rng.random_bool(0.15) {
                catalog.users.len() - 1
            } else {
                rng.random_range(0..humans)
            };
            History {
                id: (issue.id * 100 + k as u64).to_string(),
                author,
                created,
                items,
            }
        })
        .collect()
}

/// `count` distinct users other than the authenticating one (index 0), so `isWatching` and
/// `hasVoted` stay false as the issue's own fields say.
fn distinct_users(rng: &mut ChaCha8Rng, catalog: &Catalog, count: u32) -> Vec<usize> {
    let mut pool: Vec<usize> = (1..catalog.users.len().saturating_sub(1)).collect();
    let mut out = Vec::new();
    for _ in 0..count {
        if pool.is_empty() {
            break;
        }
        out.push(pool.remove(rng.random_range(0..pool.len())));
    }
    out.sort_unstable();
    out
}

/// The watchers of an issue: exactly its `watches.watchCount` users, never the caller.
pub fn watchers(seed: u64, catalog: &Catalog, issue: &Issue) -> Vec<usize> {
    if let Some(changed) = &issue.watchers {
        return changed.clone();
    }
    distinct_users(&mut rng_for(seed, issue, 4), catalog, issue.watch_count)
}

/// The voters of an issue: exactly its `votes.votes` users, never the caller.
pub fn voters(seed: u64, catalog: &Catalog, issue: &Issue) -> Vec<usize> {
    distinct_users(&mut rng_for(seed, issue, 5), catalog, issue.votes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate;

    #[test]
    fn changelogs_end_at_the_current_status() {
        let ds = generate(300, 5, "t@example.com", "UTC");
        let mut with_history = 0;
        for issue in &ds.issues {
            let h = changelog(5, &ds.catalog, issue);
            assert_eq!(h, changelog(5, &ds.catalog, issue));
            if let Some(last) = h.last() {
                with_history += 1;
                let status = last.items.iter().find(|i| i.field == "status");
                assert_eq!(
                    status.and_then(|s| s.to.clone()),
                    Some(ds.catalog.statuses[issue.status].id.clone())
                );
                assert_eq!(
                    h[0].items
                        .iter()
                        .find(|i| i.field == "status")
                        .and_then(|s| s.from.clone()),
                    Some(ds.catalog.statuses[0].id.clone())
                );
                if let Some(r) = issue.resolution_date {
                    assert_eq!(last.created, r);
                }
            } else {
                assert_eq!(issue.status, 0);
            }
            for w in h.windows(2) {
                assert!(w[0].created <= w[1].created);
            }
            for x in &h {
                assert!(x.created >= issue.created && x.created <= issue.updated);
            }
            assert_eq!(
                watchers(5, &ds.catalog, issue).len(),
                issue.watch_count as usize
            );
            assert_eq!(voters(5, &ds.catalog, issue).len(), issue.votes as usize);
        }
        assert!(with_history > 200);
    }
}
