//! The differential suite: hundreds of WHERE / ORDER BY / LIMIT combinations, built from
//! values sampled (deterministically) from the generated data, run against the foreign table
//! and against a local table holding the same rows; the answers must be identical.

use pgrx::prelude::*;

use super::support::{literal, texts, Fake, TOKEN};

/// Sample values of a column: the distinct non-null values, in a stable order.
fn sample(local: &str, column: &str, limit: usize) -> Vec<String> {
    texts(&format!(
        "SELECT DISTINCT {column}::text FROM {local} WHERE {column} IS NOT NULL ORDER BY 1 LIMIT {limit}"
    ))
}

/// Sample elements of an array column.
fn sample_unnest(local: &str, column: &str, limit: usize) -> Vec<String> {
    texts(&format!(
        "SELECT DISTINCT unnest({column}) FROM {local} ORDER BY 1 LIMIT {limit}"
    ))
}

/// The single conditions: every operator and semantic trap, with real and absent values.
fn conditions(local: &str) -> Vec<String> {
    let q = |s: &str| literal(s);
    let mut out = Vec::new();
    let projects = sample(local, "project_key", 4);
    for p in &projects {
        out.push(format!("project_key = {}", q(p)));
        out.push(format!("project_key <> {}", q(p)));
    }
    out.push("project_key = 'alpha'".into());
    out.push("project_key = 'Alpha'".into());
    out.push("project_key = 'NOPE'".into());
    out.push("project_key IN ('SET', 'OPS', 'NOPE')".into());
    out.push("project_key NOT IN ('SET', 'BETA')".into());
    out.push("project_name = 'Beta ✓ Ünïcode'".into());
    out.push("project_id = 10001".into());
    for s in sample(local, "status_name", 6) {
        out.push(format!("status_name = {}", q(&s)));
        out.push(format!("status_name IN ({}, 'Nope')", q(&s)));
        out.push(format!("status_name <> {}", q(&s)));
    }
    out.push("status_name = 'done'".into());
    out.push("status_name NOT IN ('Done', 'To Do')".into());
    out.push("status_category = 'Done'".into());
    out.push("status_category IN ('To Do', 'In Progress')".into());
    for p in sample(local, "priority_name", 3) {
        out.push(format!("priority_name = {}", q(&p)));
    }
    out.push("priority_name IS NULL".into());
    out.push("priority_name IS NOT NULL".into());
    out.push("resolution_name IS NULL".into());
    out.push("resolution_name = 'Unresolved'".into());
    out.push("resolution_name IS NOT NULL AND resolution_name <> 'Done'".into());
    out.push("issue_type_name IN ('Bug', 'Story')".into());
    out.push("parent_key IS NOT NULL".into());
    let accounts = sample(local, "assignee_account_id", 4);
    for a in &accounts {
        out.push(format!("assignee_account_id = {}", q(a)));
        out.push(format!("assignee_account_id <> {}", q(a)));
        out.push(format!("reporter_account_id = {}", q(a)));
    }
    out.push(format!(
        "assignee_account_id IN ({}, {}, 'nobody')",
        q(&accounts[0]),
        q(&accounts[1])
    ));
    out.push(format!("assignee_account_id NOT IN ({})", q(&accounts[0])));
    out.push(format!(
        "assignee_account_id NOT IN ({}, NULL)",
        q(&accounts[0])
    ));
    out.push("assignee_account_id IS NULL".into());
    out.push("assignee_account_id IS NOT NULL".into());
    out.push("creator_account_id IS NOT NULL".into());
    for l in sample_unnest(local, "labels", 4) {
        out.push(format!("{} = ANY(labels)", q(&l)));
        out.push(format!("labels @> ARRAY[{}]", q(&l)));
        out.push(format!("NOT ({} = ANY(labels))", q(&l)));
    }
    out.push("labels = '{}'".into());
    out.push("labels <> '{}'".into());
    out.push("labels @> ARRAY['nolabel']".into());
    out.push("labels @> '{}'".into());
    for c in sample_unnest(local, "components", 2) {
        out.push(format!("{} = ANY(components)", q(&c)));
    }
    out.push("components = '{}'".into());
    for v in sample_unnest(local, "fix_versions", 2) {
        out.push(format!("fix_versions @> ARRAY[{}]", q(&v)));
    }
    let created = sample(local, "created", 300);
    for (i, t) in created.iter().step_by(60).enumerate() {
        let t = q(t);
        out.push(format!("created >= {t}::timestamptz"));
        out.push(format!("created > {t}::timestamptz"));
        out.push(format!("created < {t}::timestamptz"));
        out.push(format!("created <= {t}::timestamptz"));
        out.push(format!("created = {t}::timestamptz"));
        out.push(format!(
            "created >= {t}::timestamptz + interval '1 microsecond'"
        ));
        out.push(format!(
            "created < {t}::timestamptz - interval '{} millisecond'",
            i + 1
        ));
        out.push(format!("created >= date_trunc('minute', {t}::timestamptz)"));
        out.push(format!(
            "updated BETWEEN {t}::timestamptz AND {t}::timestamptz + interval '60 days'"
        ));
    }
    out.push("resolution_date IS NULL".into());
    out.push("resolution_date IS NOT NULL".into());
    out.push("resolution_date > '2025-01-01 00:00:00+00'".into());
    out.push("created <> updated".into());
    for d in sample(local, "due_date", 40).iter().step_by(10) {
        out.push(format!("due_date = {}", q(d)));
        out.push(format!("due_date >= {}", q(d)));
        out.push(format!("due_date < {}::date + 1", q(d)));
    }
    out.push("due_date IS NULL".into());
    out.push("due_date IS NOT NULL".into());
    let summaries = sample(local, "summary", 300);
    for s in summaries.iter().step_by(50) {
        out.push(format!("summary = {}", q(s)));
        if let Some(word) = s.split_whitespace().find(|w| w.len() > 3) {
            out.push(format!("summary LIKE {}", q(&format!("%{word}%"))));
            out.push(format!(
                "summary ILIKE {}",
                q(&format!("% {} %", word.to_uppercase()))
            ));
            out.push(format!("summary LIKE {}", q(&format!("{word} %"))));
            out.push(format!("summary NOT LIKE {}", q(&format!("%{word}%"))));
        }
    }
    out.push("summary LIKE '%oob%'".into());
    out.push("summary LIKE '%\\\\%'".into());
    out.push("summary LIKE '%\"%'".into());
    out.push("summary = '\" OR project = \"X'".into());
    out.push("description IS NULL".into());
    out.push("description LIKE '%search%'".into());
    let keys = sample(local, "key", 300);
    for k in keys.iter().step_by(75) {
        out.push(format!("key = {}", q(k)));
        out.push(format!("key = lower({})", q(k)));
        out.push(format!("key > {}", q(k)));
    }
    out.push(format!(
        "key IN ({}, {}, 'NOPE-1')",
        q(&keys[1]),
        q(&keys[2])
    ));
    out.push("key LIKE 'ALPHA-1%'".into());
    out.push("id = 10007".into());
    out.push("id > 10150".into());
    out.push("id <= 10020".into());
    out.push("id BETWEEN 10040 AND 10060".into());
    out.push("id IN (10001, 10002, 99999)".into());
    out.push("id <> 10003".into());
    out
}

/// Runs the suite against a fake of `deployment` (`cloud`, `server`), through server `name`.
pub fn run(deployment: &str, name: &str) {
    let fake = Fake::start_with(300, 21, &["--deployment", deployment]);
    fake.install_as(name, TOKEN, deployment);
    // What a search for every issue sends: Data Center's is paged by id.
    let (search, unrestricted) = match deployment {
        "server" => ("/rest/api/2/search", "project IS NOT EMPTY ORDER BY id ASC"),
        _ => ("/rest/api/3/search/jql", "project IS NOT EMPTY"),
    };
    let single = conditions(&format!("{name}_local"));
    let n = single.len();
    let mut cases: Vec<String> = single.clone();
    for i in 0..n {
        let j = (i * 7 + 3) % n;
        cases.push(format!("({}) AND ({})", single[i], single[j]));
        if i % 2 == 0 {
            let k = (i * 13 + 5) % n;
            cases.push(format!("({}) OR ({})", single[i], single[k]));
        }
        if i % 3 == 0 {
            cases.push(format!("NOT ({})", single[i]));
        }
    }
    let mut pushed = 0;
    for condition in &cases {
        fake.clear_requests();
        compare(
            name,
            &format!("SELECT id, key FROM @T@ WHERE {condition}"),
            condition,
        );
        if fake
            .searched_jql()
            .iter()
            .any(|j| j != unrestricted && !j.starts_with("project IS NOT EMPTY AND id > "))
            || fake.requests().iter().all(|r| r["path"] != search)
        {
            pushed += 1;
        }
    }
    let orders = [
        "updated DESC",
        "created",
        "created DESC, id",
        "key",
        "id DESC",
        "due_date NULLS FIRST, id",
    ];
    let mut ordered = 0;
    for (i, condition) in single.iter().enumerate().step_by(3) {
        let order = orders[i % orders.len()];
        let limit = 1 + i % 9;
        compare(
            name,
            &format!(
                "SELECT array_agg(id) FROM (SELECT id FROM @T@ WHERE {condition} ORDER BY {order} LIMIT {limit}) s"
            ),
            condition,
        );
        ordered += 1;
    }
    let total = cases.len() + ordered;
    assert!(total >= 200, "only {total} cases");
    assert!(
        pushed * 2 > cases.len(),
        "only {pushed} of {} cases pushed anything",
        cases.len()
    );
    pgrx::log!("differential suite ({deployment}): {total} cases, {pushed} with pushdown");
}

/// Runs `template` (with `@T@` for the table) on foreign table `<name>_issues` and local
/// table `<name>_local`.
fn compare(name: &str, template: &str, condition: &str) {
    let wrap = |table: &str| {
        format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM ({}) t",
            template.replace("@T@", table)
        )
    };
    let remote: String = Spi::get_one(&wrap(&format!("{name}_issues")))
        .unwrap_or_else(|e| panic!("{condition}: {e}"))
        .unwrap_or_default();
    let local: String = Spi::get_one(&wrap(&format!("{name}_local")))
        .unwrap_or_else(|e| panic!("{condition}: {e}"))
        .unwrap_or_default();
    assert_eq!(remote, local, "results differ for: {template}");
}
