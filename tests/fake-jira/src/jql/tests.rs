//! Evaluator and ordering tests against a small generated data set with hand-set values.

use super::*;
use crate::data::{generate, Dataset};
use chrono::{DateTime, TimeZone, Utc};

fn dataset() -> Dataset {
    let mut ds = generate(60, 5, "t@example.com", "Australia/Sydney");
    let created: DateTime<chrono::FixedOffset> =
        DateTime::parse_from_rfc3339("2024-03-05T10:15:30.123+11:00").unwrap();
    ds.issues[0].created = created;
    ds.issues[0].summary = "Fix the foobar widget".into();
    ds.issues[0].status = 3; // Done
    ds.issues[0].assignee = None;
    ds.issues[1].status = 2; // Ärger
    ds.issues[1].assignee = Some(1);
    ds
}

fn ctx(ds: &Dataset) -> EvalContext<'_> {
    EvalContext {
        dataset: ds,
        time_zone: "Australia/Sydney".parse().unwrap(),
        now: Utc.with_ymd_and_hms(2024, 3, 10, 0, 0, 0).unwrap(),
        current_user: Some(ds.catalog.users[0].account_id.clone()),
    }
}

fn hits(ds: &Dataset, jql: &str) -> Vec<u64> {
    search(jql, &ctx(ds))
        .unwrap_or_else(|e| panic!("{jql}: {e:?}"))
        .iter()
        .map(|&i| ds.issues[i].id)
        .collect()
}

fn matches(ds: &Dataset, jql: &str, index: usize) -> bool {
    hits(ds, jql).contains(&ds.issues[index].id)
}

#[test]
fn status_and_project_are_case_insensitive() {
    let ds = dataset();
    assert!(matches(&ds, "status = done", 0));
    assert!(matches(&ds, "status = \"ärger\"", 1));
    assert!(matches(&ds, "statusCategory = \"in progress\"", 1));
    let project = ds.catalog.projects[ds.issues[0].project].key.to_lowercase();
    assert!(matches(&ds, &format!("project = \"{project}\""), 0));
    assert!(matches(&ds, "project in (\"SET\", alpha, beta, ops)", 0));
}

#[test]
fn not_equal_never_matches_empty() {
    let ds = dataset();
    let someone = &ds.catalog.users[3].account_id;
    assert!(!matches(&ds, &format!("assignee != \"{someone}\""), 0));
    assert!(matches(&ds, &format!("assignee != \"{someone}\""), 1));
    assert!(!matches(
        &ds,
        &format!("assignee not in (\"{someone}\")"),
        0
    ));
    assert!(matches(&ds, "assignee is EMPTY", 0));
    assert!(matches(&ds, "assignee = null", 0));
    assert!(!matches(&ds, "assignee is not empty", 0));
}

#[test]
fn contains_is_a_word_search() {
    let ds = dataset();
    assert!(matches(&ds, "summary ~ FOOBAR", 0));
    assert!(matches(&ds, "summary ~ \"foo*\"", 0));
    assert!(!matches(&ds, "summary ~ \"oob\"", 0));
    assert!(!matches(&ds, "summary !~ widget", 0));
    let e = search("summary ~ \"*oob\"", &ctx(&ds)).unwrap_err();
    assert!(e.message().contains("not allowed to start with a wildcard"));
    let e = search("summary = x", &ctx(&ds)).unwrap_err();
    assert_eq!(
        e.message(),
        "The operator '=' is not supported by the 'summary' field."
    );
}

#[test]
fn dates_use_the_time_zone_at_minute_precision() {
    let ds = dataset();
    // Created 2024-03-05 10:15:30.123 in Sydney.
    assert!(matches(&ds, "created = \"2024-03-05 10:15\"", 0));
    assert!(matches(&ds, "created >= \"2024/03/05 10:15\"", 0));
    assert!(!matches(&ds, "created > \"2024-03-05 10:15\"", 0));
    assert!(matches(&ds, "created < \"2024-03-05 10:16\"", 0));
    assert!(matches(&ds, "created >= \"2024-03-05\"", 0));
    assert!(!matches(&ds, "created < \"2024-03-05\"", 0));
    let ms = ds.issues[0].created.timestamp_millis();
    assert!(matches(&ds, &format!("created = {ms}"), 0));
    assert!(!matches(&ds, &format!("created > {ms}"), 0));
    assert!(matches(&ds, &format!("created > {}", ms - 1), 0));
    assert!(matches(&ds, "created >= -6d", 0));
    assert!(!matches(&ds, "created >= -5d", 0));
}

#[test]
fn semantic_errors_and_unbounded() {
    let ds = dataset();
    let c = ctx(&ds);
    assert_eq!(search("", &c), Err(SearchError::Unbounded));
    assert_eq!(search("ORDER BY key", &c), Err(SearchError::Unbounded));
    let e = search("xyz = 1", &c).unwrap_err();
    assert_eq!(
        e.message(),
        "Field 'xyz' does not exist or you do not have permission to view it."
    );
    assert!(matches!(
        search("project = SET", &c),
        Err(SearchError::Syntax(_))
    ));
    assert!(search("created > \"yesterday\"", &c).is_err());
    assert!(search("cf[10010] > abc", &c).is_err());
    assert!(search("project = X order by labels", &c).is_err());
}

#[test]
fn custom_fields_and_keys() {
    let mut ds = dataset();
    ds.issues[0].custom.story_points = Some(5.0);
    ds.issues[0].custom.story_points_2 = None;
    ds.issues[1].custom.story_points = None;
    ds.issues[1].custom.story_points_2 = Some(5.0);
    assert!(matches(&ds, "cf[10010] = 5", 0));
    assert!(!matches(&ds, "cf[10010] = 5", 1));
    assert!(matches(&ds, "\"story points\" = 5", 1));
    assert!(matches(&ds, "\"Story Points\" >= 4.5", 0));
    let key = ds.issues[0].key.clone();
    assert_eq!(
        hits(&ds, &format!("key = \"{}\"", key.to_lowercase())),
        vec![ds.issues[0].id]
    );
    assert_eq!(
        hits(&ds, &format!("id = {}", ds.issues[0].id)),
        vec![ds.issues[0].id]
    );
}

#[test]
fn ordering_is_stable_with_nulls_last() {
    let ds = dataset();
    let c = ctx(&ds);
    let all = "project in (ALPHA, BETA, \"SET\", OPS)";
    let by_default = search(all, &c).unwrap();
    assert_eq!(by_default.len(), ds.issues.len());
    for w in by_default.windows(2) {
        let (a, b) = (&ds.issues[w[0]], &ds.issues[w[1]]);
        assert!(a.created > b.created || (a.created == b.created && a.id > b.id));
    }
    let by_priority = search(&format!("{all} ORDER BY priority DESC"), &c).unwrap();
    let first_null = by_priority
        .iter()
        .position(|&i| ds.issues[i].priority.is_none())
        .unwrap_or(by_priority.len());
    assert!(by_priority[first_null..]
        .iter()
        .all(|&i| ds.issues[i].priority.is_none()));
    let by_key = search(&format!("{all} ORDER BY key"), &c).unwrap();
    let keys: Vec<(String, u64)> = by_key
        .iter()
        .map(|&i| {
            (
                ds.catalog.projects[ds.issues[i].project].key.clone(),
                ds.issues[i].number,
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}
