//! Deterministic generation of a data set from a seed.

use super::text;
use super::{Catalog, CustomValues, Dataset, Issue};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Offsets (seconds east of UTC) that timestamps are reported in.
const OFFSETS: [i32; 5] = [11 * 3600, -7 * 3600, 0, 5 * 3600 + 1800, 10 * 3600];

/// Generates `count` issues with the given seed; the same inputs always give the same data.
pub fn generate(count: usize, seed: u64, email: &str, time_zone: &str) -> Dataset {
    let catalog = Catalog::new(email, time_zone);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut issues: Vec<Issue> = Vec::with_capacity(count);
    let mut next_number = vec![1u64; catalog.projects.len()];
    let mut parents_by_project: Vec<Vec<usize>> = vec![Vec::new(); catalog.projects.len()];
    let base = Utc
        .with_ymd_and_hms(2023, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    for index in 0..count {
        let project = if rng.random_bool(0.7) {
            index % catalog.projects.len()
        } else {
            rng.random_range(0..catalog.projects.len())
        };
        let number = next_number[project];
        next_number[project] += 1;
        let created = if index > 0 && rng.random_bool(0.05) {
            issues[index - 1].created.with_timezone(&offset(&mut rng))
        } else {
            {
                let at = base + Duration::seconds(rng.random_range(0..80_000_000));
                timestamp(&mut rng, at)
            }
        };
        let issue = build_issue(
            &mut rng,
            &catalog,
            index,
            project,
            number,
            created,
            &parents_by_project[project],
        );
        if !catalog.issue_types[issue.issue_type].subtask {
            parents_by_project[project].push(index);
        }
        if let Some(parent) = issue.parent {
            issues[parent].subtasks.push(index);
        }
        issues.push(issue);
    }
    let links = super::links::attach(&mut issues, &catalog, seed);
    Dataset {
        catalog,
        issues,
        links,
        next_child_id: 1_000_000_000,
        boards: None,
    }
}

fn offset(rng: &mut ChaCha8Rng) -> FixedOffset {
    let seconds = OFFSETS[rng.random_range(0..OFFSETS.len())];
    FixedOffset::east_opt(seconds)
        .unwrap_or(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()))
}

/// A time near `at`, with whole minutes, whole seconds or milliseconds, in a random offset.
fn timestamp(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> DateTime<FixedOffset> {
    let seconds = at.timestamp() - at.timestamp() % 60;
    let millis = match rng.random_range(0..4) {
        0 => 0,
        1 => rng.random_range(0..60) * 1000,
        _ => rng.random_range(0..60_000),
    };
    let utc = DateTime::from_timestamp_millis(seconds * 1000 + millis).unwrap_or(at);
    utc.with_timezone(&offset(rng))
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random_bool(p)
}

fn build_issue(
    rng: &mut ChaCha8Rng,
    catalog: &Catalog,
    index: usize,
    project: usize,
    number: u64,
    created: DateTime<FixedOffset>,
    parents: &[usize],
) -> Issue {
    let mut issue_type = rng.random_range(0..catalog.issue_types.len());
    let mut parent = None;
    if catalog.issue_types[issue_type].subtask {
        if parents.is_empty() {
            issue_type = 0;
        } else {
            let recent = &parents[parents.len().saturating_sub(50)..];
            parent = Some(recent[rng.random_range(0..recent.len())]);
        }
    }
    let status = rng.random_range(0..catalog.statuses.len());
    let done = catalog.categories[catalog.statuses[status].category].key == "done";
    let updated = if chance(rng, 0.1) {
        created
    } else {
        let at = created.to_utc() + Duration::seconds(rng.random_range(1..5_000_000));
        timestamp(rng, at)
    };
    let (resolution, resolution_date) = if done {
        let resolution = if catalog.statuses[status].name == "Done" {
            0
        } else {
            1
        };
        let span = (updated.timestamp_millis() - created.timestamp_millis()).max(0);
        let at = created.timestamp_millis() + rng.random_range(0..=span);
        let at = DateTime::from_timestamp_millis(at).unwrap_or(updated.to_utc());
        (
            Some(resolution),
            Some(at.with_timezone(&updated.timezone())),
        )
    } else {
        (None, None)
    };
    let humans = catalog.users.len() - 1;
    let reporter = rng.random_range(0..humans);
    let creator = if chance(rng, 0.8) {
        reporter
    } else {
        catalog.users.len() - 1
    };
    let assignee = if chance(rng, 0.25) {
        None
    } else {
        Some(rng.random_range(0..humans))
    };
    let mention_user = &catalog.users[rng.random_range(0..humans)];
    let mention = (
        mention_user.account_id.as_str(),
        mention_user.display_name.as_str(),
    );
    let summary = text::summary(rng, index);
    let description = if chance(rng, 0.2) {
        None
    } else {
        Some(text::description(rng, mention))
    };
    let environment = if chance(rng, 0.6) {
        None
    } else {
        Some(text::one_paragraph(rng))
    };
    let labels = pick_distinct(rng, &text::LABELS, 0.3, 3);
    let components = pick_indices(rng, &catalog.components_of(project), 0.4, 2);
    let fix_versions = pick_indices(rng, &catalog.versions_of(project), 0.5, 2);
    let due_date = if chance(rng, 0.4) {
        Some(created.date_naive() + Duration::days(rng.random_range(0..120)))
    } else {
        None
    };
    let time_spent = chance(rng, 0.5).then(|| rng.random_range(0..40) * 900);
    let original_estimate = chance(rng, 0.5).then(|| rng.random_range(1..20) * 3600);
    let priority = if chance(rng, 0.1) {
        None
    } else {
        Some(rng.random_range(0..catalog.priorities.len()))
    };
    let custom = custom_values(rng, catalog, created, mention);
    Issue {
        id: 10001 + index as u64,
        key: format!("{}-{}", catalog.projects[project].key, number),
        number,
        project,
        issue_type,
        parent,
        subtasks: Vec::new(),
        status,
        priority,
        resolution,
        resolution_date,
        summary,
        description,
        environment,
        labels,
        components,
        fix_versions,
        assignee,
        reporter,
        creator,
        created,
        updated,
        due_date,
        time_spent,
        original_estimate,
        watch_count: rng.random_range(0..5),
        votes: rng.random_range(0..3),
        custom,
        links: Vec::new(),
        attachments: Vec::new(),
        deleted: false,
        written: false,
        comments: None,
        worklogs: None,
        watchers: None,
    }
}

fn custom_values(
    rng: &mut ChaCha8Rng,
    catalog: &Catalog,
    created: DateTime<FixedOffset>,
    mention: (&str, &str),
) -> CustomValues {
    const POINTS: [f64; 8] = [0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0];
    let tags = if chance(rng, 0.2) {
        None
    } else {
        Some(pick_distinct(rng, &text::TAGS, 0.15, 3))
    };
    let start_date: Option<NaiveDate> = (!chance(rng, 0.4))
        .then(|| created.date_naive() + Duration::days(rng.random_range(-10..30)));
    let approved_at = if chance(rng, 0.5) {
        None
    } else {
        let at = created.to_utc() + Duration::seconds(rng.random_range(0..2_000_000));
        Some(timestamp(rng, at))
    };
    CustomValues {
        story_points: (!chance(rng, 0.3)).then(|| POINTS[rng.random_range(0..POINTS.len())]),
        team: (!chance(rng, 0.3)).then(|| rng.random_range(0..catalog.team_options.len())),
        tags,
        start_date,
        approved_at,
        reviewer: (!chance(rng, 0.4)).then(|| rng.random_range(0..catalog.users.len() - 1)),
        notes: (!chance(rng, 0.5)).then(|| text::description(rng, mention)),
        story_points_2: (!chance(rng, 0.6)).then(|| POINTS[rng.random_range(0..POINTS.len())]),
    }
}

fn pick_distinct(rng: &mut ChaCha8Rng, pool: &[&str], p_empty: f64, max: usize) -> Vec<String> {
    if chance(rng, p_empty) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for _ in 0..rng.random_range(1..=max) {
        let v = pool[rng.random_range(0..pool.len())];
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

fn pick_indices(rng: &mut ChaCha8Rng, pool: &[usize], p_empty: f64, max: usize) -> Vec<usize> {
    if pool.is_empty() || chance(rng, p_empty) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for _ in 0..rng.random_range(1..=max) {
        let v = pool[rng.random_range(0..pool.len())];
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_consistent() {
        let a = generate(500, 7, "t@example.com", "UTC");
        let b = generate(500, 7, "t@example.com", "UTC");
        assert_eq!(a.issues.len(), 500);
        for (x, y) in a.issues.iter().zip(&b.issues) {
            assert_eq!(x.summary, y.summary);
            assert_eq!(x.created, y.created);
            assert!(x.updated >= x.created);
            assert_eq!(x.resolution.is_some(), x.resolution_date.is_some());
            assert!(!x.summary.contains('\0'));
            if let Some(p) = x.parent {
                assert!(p < (x.id - 10001) as usize);
                assert_eq!(a.issues[p].project, x.project);
            }
        }
        assert!(a
            .catalog
            .projects
            .iter()
            .enumerate()
            .all(|(i, _)| a.issues.iter().any(|x| x.project == i)));
    }

    #[test]
    fn large_generation_is_fast_enough() {
        let start = std::time::Instant::now();
        let d = generate(20_000, 1, "t@example.com", "UTC");
        assert_eq!(d.issues.len(), 20_000);
        assert!(start.elapsed().as_secs() < 20);
    }
}
