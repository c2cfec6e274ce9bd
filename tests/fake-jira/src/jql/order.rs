//! ORDER BY: sort keys per field, nulls last in both directions, ties broken by id
//! descending; the default order is `created DESC, id DESC`.

use super::eval::{date_value, EvalContext};
use super::fields::{resolve_field, FieldRef};
use super::OrderBy;
use crate::data::{CustomFieldKind, Issue};
use std::cmp::Ordering;

/// A sortable value.
#[derive(Clone, Debug, PartialEq)]
enum SortKey {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Key(String, u64),
}

/// What a field sorts by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SortBy {
    Key,
    Id,
    Date(FieldRef),
    Priority,
    Status,
    Summary,
    Project,
    IssueType,
    Resolution,
    User(FieldRef),
    Number(u32),
    Team,
}

/// How a field sorts, or `None` when Jira cannot sort by it.
pub(crate) fn sort_key_of(f: FieldRef) -> Option<SortBy> {
    Some(match f {
        FieldRef::Key => SortBy::Key,
        FieldRef::Id => SortBy::Id,
        FieldRef::Created | FieldRef::Updated | FieldRef::Resolved | FieldRef::Due => {
            SortBy::Date(f)
        }
        FieldRef::Priority => SortBy::Priority,
        FieldRef::Status => SortBy::Status,
        FieldRef::Summary => SortBy::Summary,
        FieldRef::Project => SortBy::Project,
        FieldRef::IssueType => SortBy::IssueType,
        FieldRef::Resolution => SortBy::Resolution,
        FieldRef::Assignee | FieldRef::Reporter | FieldRef::Creator => SortBy::User(f),
        FieldRef::Custom(def) => match def.kind {
            CustomFieldKind::Number => SortBy::Number(def.id),
            CustomFieldKind::Date | CustomFieldKind::DateTime => SortBy::Date(f),
            CustomFieldKind::Option => SortBy::Team,
            CustomFieldKind::User => SortBy::User(f),
            _ => return None,
        },
        _ => return None,
    })
}

fn key_for(by: SortBy, issue: &Issue, ctx: &EvalContext) -> SortKey {
    let c = &ctx.dataset.catalog;
    let user = |u: Option<usize>| {
        u.map_or(SortKey::Null, |u| {
            SortKey::Text(c.users[u].display_name.to_lowercase())
        })
    };
    match by {
        SortBy::Key => SortKey::Key(c.projects[issue.project].key.clone(), issue.number),
        SortBy::Id => SortKey::Int(issue.id as i64),
        SortBy::Date(f) => date_value(f, issue, ctx).map_or(SortKey::Null, SortKey::Int),
        SortBy::Priority => issue
            .priority
            .map_or(SortKey::Null, |p| SortKey::Int(c.priorities[p].rank as i64)),
        SortBy::Status => SortKey::Int(issue.status as i64),
        SortBy::Summary => SortKey::Text(issue.summary.to_lowercase()),
        SortBy::Project => SortKey::Text(c.projects[issue.project].name.to_lowercase()),
        SortBy::IssueType => SortKey::Text(c.issue_types[issue.issue_type].name.to_lowercase()),
        SortBy::Resolution => issue.resolution.map_or(SortKey::Null, |r| {
            SortKey::Text(c.resolutions[r].name.to_lowercase())
        }),
        SortBy::User(FieldRef::Assignee) => user(issue.assignee),
        SortBy::User(FieldRef::Reporter) => user(Some(issue.reporter)),
        SortBy::User(FieldRef::Creator) => user(Some(issue.creator)),
        SortBy::User(_) => user(issue.custom.reviewer),
        SortBy::Number(10017) => issue
            .custom
            .story_points_2
            .map_or(SortKey::Null, SortKey::Float),
        SortBy::Number(_) => issue
            .custom
            .story_points
            .map_or(SortKey::Null, SortKey::Float),
        SortBy::Team => issue.custom.team.map_or(SortKey::Null, |t| {
            SortKey::Text(c.team_options[t].value.to_lowercase())
        }),
    }
}

fn cmp_present(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Int(x), SortKey::Int(y)) => x.cmp(y),
        (SortKey::Float(x), SortKey::Float(y)) => x.total_cmp(y),
        (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        (SortKey::Key(p, n), SortKey::Key(q, m)) => p.cmp(q).then(n.cmp(m)),
        _ => Ordering::Equal,
    }
}

/// Sorts issue indices by the ORDER BY terms (fields must have passed validation); ties
/// and an empty ORDER BY fall back to `created DESC, id DESC`, then `id DESC`.
pub fn sort(indices: &mut [usize], order_by: &[OrderBy], ctx: &EvalContext) {
    let mut terms: Vec<(SortBy, bool)> = order_by
        .iter()
        .filter_map(|o| {
            resolve_field(&o.field)
                .first()
                .and_then(|f| sort_key_of(*f))
                .map(|s| (s, o.descending))
        })
        .collect();
    if terms.is_empty() {
        terms.push((SortBy::Date(FieldRef::Created), true));
    }
    terms.push((SortBy::Id, true));
    let issues = &ctx.dataset.issues;
    let mut keyed: Vec<(Vec<SortKey>, usize)> = indices
        .iter()
        .map(|&i| {
            (
                terms
                    .iter()
                    .map(|(by, _)| key_for(*by, &issues[i], ctx))
                    .collect(),
                i,
            )
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for (n, (_, desc)) in terms.iter().enumerate() {
            let o = match (&a[n], &b[n]) {
                (SortKey::Null, SortKey::Null) => Ordering::Equal,
                (SortKey::Null, _) => Ordering::Greater,
                (_, SortKey::Null) => Ordering::Less,
                (x, y) if *desc => cmp_present(y, x),
                (x, y) => cmp_present(x, y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    for (slot, (_, i)) in indices.iter_mut().zip(keyed) {
        *slot = i;
    }
}
