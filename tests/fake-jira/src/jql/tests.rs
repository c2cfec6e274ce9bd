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
        deployment: crate::Deployment::Cloud,
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
    assert_eq!(
        search("project = ALPHA order by labels", &c).map_err(|e| e.message()),
        Err("Field 'labels' does not support sorting.".to_string())
    );
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

fn unknown(ds: &Dataset, jql: &str) -> Vec<String> {
    match search(jql, &ctx(ds)) {
        Err(SearchError::UnknownValues(m)) => m,
        other => panic!("{jql}: expected unknown values, got {other:?}"),
    }
}

fn not_exist(value: &str, field: &str) -> String {
    format!("The value '{value}' does not exist for the field '{field}'.")
}

#[test]
fn unknown_values_are_errors() {
    let ds = dataset();
    assert_eq!(
        unknown(&ds, "status = Nope"),
        vec![not_exist("Nope", "status")]
    );
    assert_eq!(
        unknown(
            &ds,
            "STATUS in (done, Nope, \"Gone Away\") AND priority != Urgent"
        ),
        vec![
            not_exist("Nope", "STATUS"),
            not_exist("Gone Away", "STATUS"),
            not_exist("Urgent", "priority"),
        ]
    );
    assert_eq!(
        unknown(&ds, "project = nope OR NOT (project not in (NOPE, nope))"),
        vec![not_exist("nope", "project"), not_exist("NOPE", "project")]
    );
    let cases = [
        ("type = Feature", "Feature", "type"),
        ("issuetype = 99999", "99999", "issuetype"),
        ("resolution = Fixed", "Fixed", "resolution"),
        ("statusCategory = Closed", "Closed", "statusCategory"),
        ("component = Database", "Database", "component"),
        ("fixVersion = \"9.9\"", "9.9", "fixVersion"),
        ("assignee = \"nobody-123\"", "nobody-123", "assignee"),
        ("reporter != someone", "someone", "reporter"),
        ("creator in (EMPTY, ghost)", "ghost", "creator"),
    ];
    for (jql, value, field) in cases {
        assert_eq!(unknown(&ds, jql), vec![not_exist(value, field)], "{jql}");
    }
    // Account ids are matched exactly, as the field compares them.
    let upper = ds.catalog.users[0].account_id.to_uppercase();
    assert_eq!(
        unknown(&ds, &format!("assignee = \"{upper}\"")),
        vec![not_exist(&upper, "assignee")]
    );
    let message = search("status = Nope AND type = Nope", &ctx(&ds)).unwrap_err();
    assert_eq!(
        message.messages(),
        vec![not_exist("Nope", "status"), not_exist("Nope", "type")]
    );
}

#[test]
fn known_and_free_form_values_are_accepted() {
    let ds = dataset();
    let someone = &ds.catalog.users[2].account_id;
    for jql in [
        "labels = \"no-such-label\"",
        "labels in (nothing, \"at all\")",
        "resolution = Unresolved",
        "resolution in (unresolved, done)",
        "resolution != UNRESOLVED",
        "assignee = currentUser()",
        "assignee in (EMPTY, currentUser())",
        "assignee is EMPTY",
        "status = EMPTY",
        "cf[10011] = \"No Such Team\"",
        "Team in (Nope)",
        "status in (\"won't do\", 10000, \"ÄRGER\")",
        "type in (bug, 10004, \"sub-task\")",
        "project in (10000, alpha, \"Beta ✓ Ünïcode\")",
        "statusCategory in (indeterminate, 2, \"to do\")",
        "priority in (1, highest)",
        "component in (backend, 10100, \"API, \\\"v2\\\"\")",
        "fixVersion in (\"2.0-β\", 10200)",
        "key = NOPE-1",
        "parent = NOPE-1",
        "status ~ nope",
    ] {
        let r = search(jql, &ctx(&ds));
        assert!(
            !matches!(r, Err(SearchError::UnknownValues(_))),
            "{jql}: {r:?}"
        );
    }
    assert!(matches(
        &ds,
        &format!("reporter != \"{someone}\" OR reporter = \"{someone}\""),
        0
    ));
}

fn sorted_hits(ds: &Dataset, jql: &str) -> Vec<u64> {
    let mut h = hits(ds, jql);
    h.sort_unstable();
    h
}

#[test]
fn id_compares_numerically() {
    let ds = dataset();
    let all: Vec<u64> = ds.issues.iter().map(|i| i.id).collect();
    assert_eq!(all[4], 10005);
    assert_eq!(hits(&ds, "id = 10005"), vec![10005]);
    assert_eq!(hits(&ds, "id = \"10005\""), vec![10005]);
    let without: Vec<u64> = all.iter().copied().filter(|&i| i != 10005).collect();
    assert_eq!(sorted_hits(&ds, "id != 10005"), without);
    assert_eq!(sorted_hits(&ds, "id != '10005'"), without);
    assert_eq!(sorted_hits(&ds, "id IN (10001, 10002)"), vec![10001, 10002]);
    assert_eq!(
        sorted_hits(&ds, "id in (\"10001\", '10002')"),
        vec![10001, 10002]
    );
    assert_eq!(
        sorted_hits(&ds, "id NOT IN (10001, 10002)"),
        all[2..].to_vec()
    );
    assert_eq!(sorted_hits(&ds, "id > 10005"), all[5..].to_vec());
    assert_eq!(sorted_hits(&ds, "id >= \"10005\""), all[4..].to_vec());
    assert_eq!(sorted_hits(&ds, "id < 10005"), all[..4].to_vec());
    assert_eq!(sorted_hits(&ds, "id <= 10005"), all[..5].to_vec());
    assert_eq!(sorted_hits(&ds, "id <= '10005'"), all[..5].to_vec());
    assert!(hits(&ds, "id = 99999999").is_empty());
    assert_eq!(hits(&ds, "id > 10001 ORDER BY id ASC"), all[1..].to_vec());
    let mut desc = all[1..].to_vec();
    desc.reverse();
    assert_eq!(hits(&ds, "id > 10001 ORDER BY id DESC"), desc);
    // key and issuekey keep their key semantics (and also take ids).
    let key = ds.issues[4].key.clone();
    assert_eq!(hits(&ds, &format!("key = {key}")), vec![10005]);
    assert_eq!(hits(&ds, &format!("issuekey = \"{key}\"")), vec![10005]);
    assert_eq!(hits(&ds, "issuekey = 10005"), vec![10005]);
    let project = ds.issues[4].project;
    let mut later: Vec<u64> = ds
        .issues
        .iter()
        .filter(|i| i.project == project && i.number > ds.issues[4].number)
        .map(|i| i.id)
        .collect();
    later.sort_unstable();
    assert_eq!(sorted_hits(&ds, &format!("key > {key}")), later);
}

#[test]
fn created_and_updated_compare_exactly_with_epoch_millis() {
    let mut ds = dataset();
    ds.issues[0].updated = DateTime::parse_from_rfc3339("2024-03-07T08:00:00.456+11:00").unwrap();
    for (field, ms) in [
        ("created", ds.issues[0].created.timestamp_millis()),
        ("updated", ds.issues[0].updated.timestamp_millis()),
        ("createdDate", ds.issues[0].created.timestamp_millis()),
        ("updatedDate", ds.issues[0].updated.timestamp_millis()),
    ] {
        let cases = [
            ("=", ms, true),
            ("=", ms + 1, false),
            ("=", ms - 1, false),
            ("!=", ms, false),
            ("!=", ms + 1, true),
            ("<", ms, false),
            ("<", ms + 1, true),
            ("<=", ms, true),
            ("<=", ms - 1, false),
            (">", ms, false),
            (">", ms - 1, true),
            (">=", ms, true),
            (">=", ms + 1, false),
        ];
        for (op, bound, expected) in cases {
            let jql = format!("{field} {op} {bound}");
            assert_eq!(matches(&ds, &jql, 0), expected, "{jql}");
        }
    }
}

#[test]
fn due_dates_compare_as_dates_in_the_users_zone() {
    let mut ds = dataset();
    ds.issues[0].due_date = chrono::NaiveDate::from_ymd_opt(2024, 3, 5);
    ds.issues[1].due_date = None;
    for field in ["due", "duedate", "dueDate"] {
        let cases = [
            ("=", "2024-03-05", true),
            ("=", "2024/03/05", true),
            ("=", "2024-03-04", false),
            ("!=", "2024-03-05", false),
            ("!=", "2024-03-06", true),
            ("<", "2024-03-05", false),
            ("<", "2024-03-06", true),
            ("<=", "2024-03-05", true),
            ("<=", "2024-03-04", false),
            (">", "2024-03-05", false),
            (">", "2024-03-04", true),
            (">=", "2024-03-05", true),
            (">=", "2024-03-06", false),
        ];
        for (op, date, expected) in cases {
            let jql = format!("{field} {op} \"{date}\"");
            assert_eq!(matches(&ds, &jql, 0), expected, "{jql}");
            assert!(
                !matches(&ds, &jql, 1),
                "{jql} never matches an empty due date"
            );
        }
    }
    // Midnight of 2024-03-05 in Sydney (+11:00) is 2024-03-04 13:00 UTC.
    let sydney_midnight = Utc.with_ymd_and_hms(2024, 3, 4, 13, 0, 0).unwrap();
    let ms = sydney_midnight.timestamp_millis();
    assert!(matches(&ds, &format!("due = {ms}"), 0));
    let utc_midnight = Utc.with_ymd_and_hms(2024, 3, 5, 0, 0, 0).unwrap();
    assert!(!matches(
        &ds,
        &format!("due = {}", utc_midnight.timestamp_millis()),
        0
    ));
    assert!(matches(&ds, "due >= \"2024-03-05 00:00\"", 0));
    assert!(!matches(&ds, "due > \"2024-03-05 00:00\"", 0));
}

#[test]
fn data_center_names_users_refuses_missing_keys_and_allows_unbounded_queries() {
    let ds = dataset();
    let dc = EvalContext {
        deployment: crate::Deployment::Server,
        ..ctx(&ds)
    };
    let assignee = ds.issues[1].assignee.expect("issue 1 has an assignee");
    let id = &ds.catalog.users[assignee].account_id;
    let name = crate::server::datacenter::user_name(id);
    let key = crate::server::datacenter::user_key(id);
    let found = |jql: &str| search(jql, &dc).map(|h| h.contains(&1));
    assert_eq!(found(&format!("assignee = \"{name}\"")), Ok(true));
    assert_eq!(found(&format!("assignee in (\"{key}\")")), Ok(true));
    // Data Center knows no account ids.
    assert!(matches!(
        search(&format!("assignee = \"{id}\""), &dc),
        Err(SearchError::UnknownValues(_))
    ));
    assert_eq!(
        found("assignee in (currentUser(), EMPTY) OR id > 0"),
        Ok(true)
    );
    let own = ds.issues[0].key.clone();
    assert_eq!(
        search(&format!("key in (\"{own}\", \"NOPE-9\", \"nope-9\")"), &dc),
        Err(SearchError::UnknownValues(vec![
            "An issue with key 'NOPE-9' does not exist for field 'key'.".into(),
            "An issue with key 'nope-9' does not exist for field 'key'.".into(),
        ]))
    );
    assert_eq!(search("", &dc).map(|h| h.len()), Ok(ds.issues.len()));
    let ordered = search("ORDER BY key DESC", &dc).unwrap();
    assert_eq!(ordered.len(), ds.issues.len());
    // Cloud refuses both.
    assert_eq!(search("", &ctx(&ds)), Err(SearchError::Unbounded));
    assert!(search("key in (\"NOPE-9\")", &ctx(&ds)).is_ok());
}
