//! The SQL oracle: a script that creates and fills a local table with exactly what a correct
//! wrapper returns for the issues, produced from the model (not by reading the JSON back).

use crate::adf::Doc;
use crate::data::{Dataset, Issue};
use crate::render::issue_fields;
use crate::server::datacenter;
use crate::wiki;
use crate::Deployment;
use chrono::{DateTime, FixedOffset};
use serde_json::Value;

const COLUMNS: &str =
    "id bigint, key text, project_id bigint, project_key text, project_name text, \
issue_type_id text, issue_type_name text, parent_key text, status_id text, status_name text, \
status_category text, priority_id text, priority_name text, resolution_name text, \
resolution_date timestamptz, summary text, description text, environment text, labels text[], \
components text[], fix_versions text[], assignee_account_id text, assignee_display_name text, \
reporter_account_id text, reporter_display_name text, creator_account_id text, \
creator_display_name text, created timestamptz, updated timestamptz, due_date date, \
time_spent_seconds bigint, original_estimate_seconds bigint, fields jsonb";

const BATCH: usize = 500;

/// A standard SQL string literal (`'` doubled; backslashes literal).
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn text(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_string(), literal)
}

fn array(items: &[String]) -> String {
    if items.is_empty() {
        "'{}'::text[]".to_string()
    } else {
        format!(
            "ARRAY[{}]::text[]",
            items
                .iter()
                .map(|s| literal(s))
                .collect::<Vec<_>>()
                .join(",")
        )
    }
}

fn timestamp(t: Option<&DateTime<FixedOffset>>) -> String {
    t.map_or_else(
        || "NULL".to_string(),
        |t| format!("'{}'::timestamptz", t.format("%Y-%m-%dT%H:%M:%S%.3f%:z")),
    )
}

fn number(n: Option<i64>) -> String {
    n.map_or_else(|| "NULL".to_string(), |n| n.to_string())
}

fn row(base: &str, ds: &Dataset, deployment: Deployment, issue: &Issue) -> String {
    let c = &ds.catalog;
    let project = &c.projects[issue.project];
    let issue_type = &c.issue_types[issue.issue_type];
    let status = &c.statuses[issue.status];
    let priority = issue.priority.map(|p| &c.priorities[p]);
    // Data Center's `*_account_id` columns hold the user's name.
    let user_id = |u: Option<usize>| {
        text(
            u.map(|u| match deployment {
                Deployment::Cloud => c.users[u].account_id.clone(),
                Deployment::Server => datacenter::user_name(&c.users[u].account_id),
            })
            .as_deref(),
        )
    };
    let user_name = |u: Option<usize>| text(u.map(|u| c.users[u].display_name.as_str()));
    // Cloud's text is ADF, Data Center's wiki markup: each has its rendering.
    let plain_text = |doc: &Doc| match deployment {
        Deployment::Cloud => doc.to_plain_text(),
        Deployment::Server => wiki::from_doc(doc, &|id| datacenter::user_name(id)).plain,
    };
    let mut fields = Value::Object(issue_fields(base, ds, issue));
    if deployment == Deployment::Server {
        datacenter::in_data_center_terms(&mut fields);
    }
    let fields = fields.to_string();
    let values = [
        issue.id.to_string(),
        literal(&issue.key),
        project.id.to_string(),
        literal(&project.key),
        literal(&project.name),
        literal(&issue_type.id),
        literal(&issue_type.name),
        text(issue.parent.map(|p| ds.issues[p].key.as_str())),
        literal(&status.id),
        literal(&status.name),
        literal(&c.categories[status.category].name),
        text(priority.map(|p| p.id.as_str())),
        text(priority.map(|p| p.name.as_str())),
        text(issue.resolution.map(|r| c.resolutions[r].name.as_str())),
        timestamp(issue.resolution_date.as_ref()),
        literal(&issue.summary),
        text(issue.description.as_ref().map(plain_text).as_deref()),
        text(issue.environment.as_ref().map(plain_text).as_deref()),
        array(&issue.labels),
        array(
            &issue
                .components
                .iter()
                .map(|&i| c.components[i].1.name.clone())
                .collect::<Vec<_>>(),
        ),
        array(
            &issue
                .fix_versions
                .iter()
                .map(|&i| c.versions[i].1.name.clone())
                .collect::<Vec<_>>(),
        ),
        user_id(issue.assignee),
        user_name(issue.assignee),
        user_id(Some(issue.reporter)),
        user_name(Some(issue.reporter)),
        user_id(Some(issue.creator)),
        user_name(Some(issue.creator)),
        timestamp(Some(&issue.created)),
        timestamp(Some(&issue.updated)),
        issue.due_date.map_or_else(
            || "NULL".to_string(),
            |d| format!("'{}'::date", d.format("%Y-%m-%d")),
        ),
        number(issue.time_spent),
        number(issue.original_estimate),
        format!("{}::jsonb", literal(&fields)),
    ];
    format!("({})", values.join(", "))
}

/// Whether a table name is a plain lower-case identifier.
pub fn valid_table_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The script for table `table`; `Err` with a message when the name is not a plain identifier.
pub fn script(
    table: &str,
    base: &str,
    ds: &Dataset,
    deployment: Deployment,
) -> Result<String, String> {
    if !valid_table_name(table) {
        return Err(format!(
            "The table name '{table}' must match [a-z_][a-z0-9_]*."
        ));
    }
    let mut out = format!("CREATE TABLE {table} ({COLUMNS});\n");
    let live: Vec<&Issue> = ds.issues.iter().filter(|i| !i.deleted).collect();
    for chunk in live.chunks(BATCH) {
        let rows: Vec<String> = chunk.iter().map(|i| row(base, ds, deployment, i)).collect();
        out.push_str(&format!(
            "INSERT INTO {table} VALUES\n{};\n",
            rows.join(",\n")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate;

    #[test]
    fn literals_and_names() {
        assert_eq!(literal("it's C:\\temp"), "'it''s C:\\temp'");
        assert!(valid_table_name("expected_1"));
        assert!(
            !valid_table_name("1x")
                && !valid_table_name("a-b")
                && !valid_table_name("")
                && !valid_table_name("A")
        );
    }

    #[test]
    fn script_has_batches_and_every_row() {
        let ds = generate(1200, 3, "t@example.com", "UTC");
        let s = script("t", "http://x", &ds, Deployment::Cloud).unwrap();
        assert!(s.starts_with("CREATE TABLE t (id bigint, key text,"));
        assert_eq!(s.matches("INSERT INTO t VALUES").count(), 3);
        assert!(s.contains("'{}'::text[]"));
        assert!(s.contains("+11:00'::timestamptz") || s.contains("+05:30'::timestamptz"));
        assert!(!s.contains('\0'));
    }
}
