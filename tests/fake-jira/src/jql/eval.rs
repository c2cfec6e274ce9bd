//! Validation of a parsed query against the fake's fields, and evaluation of a clause against
//! one issue with Jira's semantics (case-insensitive names, `!=` never matching empty, word
//! search for `~`, minute-precision dates in the user's zone).

use super::dates::{date_millis, parse_date_value};
use super::fields::{resolve_field, FieldRef};
use super::text::{has_leading_wildcard, text_matches};
use super::{Clause, Op, Operand, Query, Value};
use crate::data::{CustomFieldKind, Dataset, Issue};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::cmp::Ordering;

/// What evaluation needs besides the issue: the data set (for names), the searching user's
/// time zone and account, and the current time (for relative dates).
#[derive(Clone, Debug)]
pub struct EvalContext<'a> {
    /// The data set the issue belongs to.
    pub dataset: &'a Dataset,
    /// The searching user's time zone.
    pub time_zone: Tz,
    /// "Now" for relative dates and date functions.
    pub now: DateTime<Utc>,
    /// The searching user's account id (`currentUser()`), `None` when anonymous.
    pub current_user: Option<String>,
    /// Which Jira answers: Data Center names users by `name` and `key`, refuses keys that do
    /// not exist, and allows unbounded queries.
    pub deployment: crate::Deployment,
}

impl EvalContext<'_> {
    /// What a user is called in JQL: the account id on Cloud, the name and key on Data Center.
    fn user_names(&self, user: usize) -> Vec<String> {
        let id = &self.dataset.catalog.users[user].account_id;
        match self.deployment {
            crate::Deployment::Cloud => vec![id.clone()],
            crate::Deployment::Server => vec![
                crate::server::datacenter::user_name(id),
                crate::server::datacenter::user_key(id),
            ],
        }
    }
}

/// How a field compares.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Names or ids, case-insensitive unless `sensitive` (account ids).
    Match { sensitive: bool },
    /// Issue keys and ids.
    Key,
    /// Dates and date-times.
    Date,
    /// Numbers.
    Number,
    /// Free text (`~`).
    Text,
}

fn kind(f: FieldRef) -> Kind {
    match f {
        FieldRef::Key | FieldRef::Id => Kind::Key,
        FieldRef::Assignee | FieldRef::Reporter | FieldRef::Creator => {
            Kind::Match { sensitive: true }
        }
        FieldRef::Summary | FieldRef::Description | FieldRef::Environment | FieldRef::Text => {
            Kind::Text
        }
        FieldRef::Created | FieldRef::Updated | FieldRef::Resolved | FieldRef::Due => Kind::Date,
        FieldRef::Custom(def) => match def.kind {
            CustomFieldKind::Number => Kind::Number,
            CustomFieldKind::Option | CustomFieldKind::StringArray => {
                Kind::Match { sensitive: false }
            }
            CustomFieldKind::Date | CustomFieldKind::DateTime => Kind::Date,
            CustomFieldKind::User => Kind::Match { sensitive: true },
            CustomFieldKind::Textarea => Kind::Text,
        },
        _ => Kind::Match { sensitive: false },
    }
}

fn op_allowed(kind: Kind, op: Op) -> bool {
    use Op::*;
    match kind {
        Kind::Match { .. } => matches!(op, Eq | NotEq | In | NotIn | Is | IsNot),
        Kind::Key => matches!(op, Eq | NotEq | In | NotIn | Lt | Gt | Le | Ge),
        Kind::Date | Kind::Number => !matches!(op, Contains | NotContains),
        Kind::Text => matches!(op, Contains | NotContains | Is | IsNot),
    }
}

fn operand_values(o: &Operand) -> Vec<&Value> {
    match o {
        Operand::Empty => vec![],
        Operand::Value(v) => vec![v],
        Operand::List(l) => l.iter().collect(),
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Word(s) => s.clone(),
        Value::Function { name, .. } => format!("{name}()"),
        Value::Empty => "EMPTY".to_string(),
    }
}

fn parse_key(s: &str) -> Option<(String, u64)> {
    let (p, n) = s.rsplit_once('-')?;
    let valid = !p.is_empty()
        && p.chars().next().is_some_and(|c| c.is_alphabetic())
        && p.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then_some(())?;
    Some((p.to_string(), n.parse().ok()?))
}

/// Checks a parsed query against the fields and operators of the fake instance; the error is
/// the message Jira returns in `errorMessages`.
pub fn validate(query: &Query, ctx: &EvalContext) -> Result<(), String> {
    if let Some(clause) = &query.clause {
        validate_clause(clause, ctx)?;
    }
    for o in &query.order_by {
        let refs = resolve_field(&o.field);
        let Some(f) = refs.first() else {
            return Err(unknown_field(&o.field));
        };
        if super::order::sort_key_of(*f).is_none() {
            return Err(format!("Field '{}' does not support sorting.", o.field));
        }
    }
    Ok(())
}

fn unknown_field(name: &str) -> String {
    format!("Field '{name}' does not exist or you do not have permission to view it.")
}

fn validate_clause(clause: &Clause, ctx: &EvalContext) -> Result<(), String> {
    match clause {
        Clause::And(parts) | Clause::Or(parts) => {
            parts.iter().try_for_each(|c| validate_clause(c, ctx))
        }
        Clause::Not(inner) => validate_clause(inner, ctx),
        Clause::Term { field, op, value } => {
            let refs = resolve_field(field);
            if refs.is_empty() {
                return Err(unknown_field(field));
            }
            for f in refs {
                validate_term(f, field, *op, value, ctx)?;
            }
            Ok(())
        }
    }
}

fn validate_term(
    f: FieldRef,
    field: &str,
    op: Op,
    operand: &Operand,
    ctx: &EvalContext,
) -> Result<(), String> {
    let k = kind(f);
    if !op_allowed(k, op) {
        return Err(format!(
            "The operator '{}' is not supported by the '{field}' field.",
            op.as_str()
        ));
    }
    match (op, operand) {
        (Op::Is | Op::IsNot, Operand::Empty) => return Ok(()),
        (Op::Is | Op::IsNot, _) => {
            return Err(format!(
                "The operator '{}' only supports searching for EMPTY values.",
                op.as_str()
            ))
        }
        (Op::Eq | Op::NotEq | Op::Contains | Op::NotContains, Operand::List(_)) => {
            return Err(format!(
                "The operator '{}' does not support a list of values for field '{field}'.",
                op.as_str()
            ))
        }
        (Op::Lt | Op::Gt | Op::Le | Op::Ge, Operand::List(_) | Operand::Empty) => {
            return Err(format!(
                "The operator '{}' does not support the value EMPTY or a list for field '{field}'.",
                op.as_str()
            ))
        }
        _ => {}
    }
    for v in operand_values(operand) {
        if matches!(v, Value::Empty) {
            continue;
        }
        if let Value::Function { name, .. } = v {
            let known = match k {
                Kind::Match { sensitive: true } => name.eq_ignore_ascii_case("currentUser"),
                Kind::Date => parse_date_value(v, ctx.time_zone, ctx.now).is_some(),
                _ => false,
            };
            if !known {
                return Err(format!("Unable to find JQL function '{name}()'."));
            }
            continue;
        }
        let text = shown(v);
        let ok = match k {
            Kind::Match { .. } => true,
            Kind::Key => {
                text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty()
                    || parse_key(&text).is_some()
            }
            Kind::Date => parse_date_value(v, ctx.time_zone, ctx.now).is_some(),
            Kind::Number => text.trim().parse::<f64>().is_ok(),
            Kind::Text => {
                if has_leading_wildcard(&text) {
                    return Err(format!("The text query '{text}' for field '{field}' is not allowed to start with a wildcard."));
                }
                true
            }
        };
        if !ok {
            return Err(match k {
                Kind::Key => format!("The issue key '{text}' for field '{field}' is invalid."),
                Kind::Date => format!(
                    "Date value '{text}' for field '{field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
                ),
                _ => format!("Value '{text}' is invalid for the '{field}' field."),
            });
        }
    }
    Ok(())
}

/// Lists, in query order and without repeats, the message for each value compared with `=`,
/// `!=`, `IN` or `NOT IN` on a name-like system field that names no existing object: real Jira
/// refuses such a search with 400 rather than matching nothing, and a fake that matched nothing
/// would hide a wrapper that pushes down a value Jira does not know. Labels (free-form), custom
/// fields, `currentUser()`, EMPTY and `resolution = Unresolved` are never reported.
pub fn unknown_values(query: &Query, ctx: &EvalContext) -> Vec<String> {
    let mut messages = Vec::new();
    if let Some(clause) = &query.clause {
        collect_unknown(clause, ctx, &mut messages);
    }
    messages
}

fn collect_unknown(clause: &Clause, ctx: &EvalContext, out: &mut Vec<String>) {
    match clause {
        Clause::And(parts) | Clause::Or(parts) => {
            parts.iter().for_each(|c| collect_unknown(c, ctx, out))
        }
        Clause::Not(inner) => collect_unknown(inner, ctx, out),
        Clause::Term { field, op, value } => {
            if !matches!(op, Op::Eq | Op::NotEq | Op::In | Op::NotIn) {
                return;
            }
            let [f] = resolve_field(field)[..] else {
                return;
            };
            if kind(f) == Kind::Key && ctx.deployment == crate::Deployment::Server {
                missing_keys(field, value, ctx, out);
                return;
            }
            let Some(known) = known_names(f, ctx) else {
                return;
            };
            let sensitive = matches!(kind(f), Kind::Match { sensitive: true });
            for v in operand_values(value) {
                let (Value::Str(text) | Value::Word(text)) = v else {
                    continue;
                };
                if f == FieldRef::Resolution && text.eq_ignore_ascii_case("unresolved") {
                    continue;
                }
                let lower = text.to_lowercase();
                let exists = known.iter().any(|n| {
                    if sensitive {
                        n == text
                    } else {
                        n.to_lowercase() == lower
                    }
                });
                let message = format!("The value '{text}' does not exist for the field '{field}'.");
                if !exists && !out.contains(&message) {
                    out.push(message);
                }
            }
        }
    }
}

/// Data Center refuses a search naming an issue key that no issue has (ids are not checked).
fn missing_keys(field: &str, value: &Operand, ctx: &EvalContext, out: &mut Vec<String>) {
    let c = &ctx.dataset.catalog;
    for v in operand_values(value) {
        let (Value::Str(text) | Value::Word(text)) = v else {
            continue;
        };
        let Some((project, number)) = parse_key(text) else {
            continue;
        };
        let exists = ctx.dataset.issues.iter().any(|i| {
            i.number == number && c.projects[i.project].key.eq_ignore_ascii_case(&project)
        });
        let message = format!("An issue with key '{text}' does not exist for field '{field}'.");
        if !exists && !out.contains(&message) {
            out.push(message);
        }
    }
}

/// Every name, key and id that some object of a name-like system field answers to; `None` for
/// fields whose values are not checked (labels, custom fields, dates, ...).
fn known_names(f: FieldRef, ctx: &EvalContext) -> Option<Vec<String>> {
    let c = &ctx.dataset.catalog;
    let pairs = |it: &mut dyn Iterator<Item = (&String, &String)>| {
        it.flat_map(|(a, b)| [a.clone(), b.clone()]).collect()
    };
    Some(match f {
        FieldRef::Project => c
            .projects
            .iter()
            .flat_map(|p| [p.key.clone(), p.name.clone(), p.id.to_string()])
            .collect(),
        FieldRef::Status => pairs(&mut c.statuses.iter().map(|s| (&s.name, &s.id))),
        FieldRef::StatusCategory => c
            .categories
            .iter()
            .flat_map(|k| [k.name.clone(), k.key.clone(), k.id.to_string()])
            .collect(),
        FieldRef::Priority => pairs(&mut c.priorities.iter().map(|p| (&p.name, &p.id))),
        FieldRef::IssueType => pairs(&mut c.issue_types.iter().map(|t| (&t.name, &t.id))),
        FieldRef::Resolution => pairs(&mut c.resolutions.iter().map(|r| (&r.name, &r.id))),
        FieldRef::Component => pairs(&mut c.components.iter().map(|(_, x)| (&x.name, &x.id))),
        FieldRef::FixVersion => pairs(&mut c.versions.iter().map(|(_, x)| (&x.name, &x.id))),
        FieldRef::Assignee | FieldRef::Reporter | FieldRef::Creator => {
            (0..c.users.len()).flat_map(|u| ctx.user_names(u)).collect()
        }
        _ => return None,
    })
}

/// Whether `issue` satisfies `clause`. The query must have passed [`validate`]; invalid parts
/// simply do not match.
pub fn evaluate(clause: &Clause, issue: &Issue, ctx: &EvalContext) -> bool {
    match clause {
        Clause::And(parts) => parts.iter().all(|c| evaluate(c, issue, ctx)),
        Clause::Or(parts) => parts.iter().any(|c| evaluate(c, issue, ctx)),
        Clause::Not(inner) => !evaluate(inner, issue, ctx),
        Clause::Term { field, op, value } => resolve_field(field)
            .into_iter()
            .any(|f| evaluate_term(f, *op, value, issue, ctx)),
    }
}

fn evaluate_term(f: FieldRef, op: Op, operand: &Operand, issue: &Issue, ctx: &EvalContext) -> bool {
    match kind(f) {
        Kind::Match { sensitive } => {
            let elements = match_elements(f, issue, ctx);
            let unresolved_means_empty = f == FieldRef::Resolution;
            let value = if elements.is_empty() {
                None
            } else {
                Some(elements)
            };
            compare(op, operand, value, |els, v| {
                let wanted = match v {
                    Value::Function { .. } => {
                        let id = ctx.current_user.as_deref()?;
                        match ctx.deployment {
                            crate::Deployment::Cloud => id.to_string(),
                            crate::Deployment::Server => crate::server::datacenter::user_name(id),
                        }
                    }
                    v => v.text()?.to_string(),
                };
                if unresolved_means_empty && wanted.eq_ignore_ascii_case("unresolved") {
                    return Some(Ordering::Less);
                }
                let hit = els.iter().any(|names| {
                    names.iter().any(|n| {
                        if sensitive {
                            *n == wanted
                        } else {
                            n.to_lowercase() == wanted.to_lowercase()
                        }
                    })
                });
                Some(if hit { Ordering::Equal } else { Ordering::Less })
            }) || (unresolved_means_empty
                && issue.resolution.is_none()
                && mentions_unresolved(op, operand))
        }
        Kind::Key => compare(op, operand, Some(issue), |i, v| {
            let text = v.text()?;
            if let Ok(id) = text.parse::<u64>() {
                return Some(i.id.cmp(&id));
            }
            let (project, number) = parse_key(text)?;
            let own = &ctx.dataset.catalog.projects[i.project].key;
            own.eq_ignore_ascii_case(&project)
                .then(|| i.number.cmp(&number))
        }),
        Kind::Date => {
            let millis = date_value(f, issue, ctx);
            compare(op, operand, millis, |ms, v| {
                Some(parse_date_value(v, ctx.time_zone, ctx.now)?.compare(*ms))
            })
        }
        Kind::Number => {
            let n = match f {
                FieldRef::Custom(d) if d.id == 10017 => issue.custom.story_points_2,
                _ => issue.custom.story_points,
            };
            compare(op, operand, n, |x, v| {
                x.partial_cmp(&v.text()?.trim().parse::<f64>().ok()?)
            })
        }
        Kind::Text => {
            let text = text_value(f, issue);
            let text = text.filter(|t| !t.trim().is_empty());
            match (op, operand) {
                (Op::Is, _) => text.is_none(),
                (Op::IsNot, _) => text.is_some(),
                (Op::Contains, Operand::Value(v)) => {
                    text.is_some_and(|t| v.text().is_some_and(|q| text_matches(&t, q)))
                }
                (Op::NotContains, Operand::Value(v)) => {
                    text.is_some_and(|t| v.text().is_some_and(|q| !text_matches(&t, q)))
                }
                _ => false,
            }
        }
    }
}

/// `resolution = Unresolved` / `IN (Unresolved)` match issues without a resolution.
fn mentions_unresolved(op: Op, operand: &Operand) -> bool {
    matches!(op, Op::Eq | Op::In)
        && operand_values(operand).iter().any(|v| {
            v.text()
                .is_some_and(|t| t.eq_ignore_ascii_case("unresolved"))
        })
}

/// Applies `op` given the issue's value (`None` = empty) and a comparison of a present value
/// with one operand value (`None` = not comparable: no match).
fn compare<T>(
    op: Op,
    operand: &Operand,
    value: Option<T>,
    cmp: impl Fn(&T, &Value) -> Option<Ordering>,
) -> bool {
    let equals = |v: &Value| match (&value, v) {
        (None, Value::Empty) => true,
        (Some(x), v) if !matches!(v, Value::Empty) => cmp(x, v) == Some(Ordering::Equal),
        _ => false,
    };
    match (op, operand) {
        (Op::Eq | Op::Is, Operand::Empty) => value.is_none(),
        (Op::NotEq | Op::IsNot, Operand::Empty) => value.is_some(),
        (Op::Eq, Operand::Value(v)) => equals(v),
        (Op::NotEq, Operand::Value(v)) => value.is_some() && !equals(v),
        (Op::In, o) => operand_values(o).into_iter().any(equals),
        (Op::NotIn, o) => value.is_some() && !operand_values(o).into_iter().any(equals),
        (Op::Lt | Op::Gt | Op::Le | Op::Ge, Operand::Value(v)) => {
            let Some(x) = &value else { return false };
            match cmp(x, v) {
                Some(o) => match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Gt => o == Ordering::Greater,
                    Op::Le => o != Ordering::Greater,
                    _ => o != Ordering::Less,
                },
                None => false,
            }
        }
        _ => false,
    }
}

/// For name-like fields: one entry per element, each listing the names it answers to.
fn match_elements(f: FieldRef, issue: &Issue, ctx: &EvalContext) -> Vec<Vec<String>> {
    let ds = ctx.dataset;
    let c = &ds.catalog;
    let user = |u: Option<usize>| u.map(|u| vec![ctx.user_names(u)]).unwrap_or_default();
    match f {
        FieldRef::Project => {
            let p = &c.projects[issue.project];
            vec![vec![p.key.clone(), p.name.clone(), p.id.to_string()]]
        }
        FieldRef::Status => {
            let s = &c.statuses[issue.status];
            vec![vec![s.name.clone(), s.id.clone()]]
        }
        FieldRef::StatusCategory => {
            let cat = &c.categories[c.statuses[issue.status].category];
            vec![vec![cat.name.clone(), cat.key.clone(), cat.id.to_string()]]
        }
        FieldRef::Priority => issue
            .priority
            .map(|p| {
                vec![vec![
                    c.priorities[p].name.clone(),
                    c.priorities[p].id.clone(),
                ]]
            })
            .unwrap_or_default(),
        FieldRef::IssueType => {
            let t = &c.issue_types[issue.issue_type];
            vec![vec![t.name.clone(), t.id.clone()]]
        }
        FieldRef::Resolution => issue
            .resolution
            .map(|r| {
                vec![vec![
                    c.resolutions[r].name.clone(),
                    c.resolutions[r].id.clone(),
                ]]
            })
            .unwrap_or_default(),
        FieldRef::Assignee => user(issue.assignee),
        FieldRef::Reporter => user(Some(issue.reporter)),
        FieldRef::Creator => user(Some(issue.creator)),
        FieldRef::Labels => issue.labels.iter().map(|l| vec![l.clone()]).collect(),
        FieldRef::Component => issue
            .components
            .iter()
            .map(|&i| vec![c.components[i].1.name.clone(), c.components[i].1.id.clone()])
            .collect(),
        FieldRef::FixVersion => issue
            .fix_versions
            .iter()
            .map(|&i| vec![c.versions[i].1.name.clone(), c.versions[i].1.id.clone()])
            .collect(),
        FieldRef::Parent => issue
            .parent
            .map(|p| vec![vec![ds.issues[p].key.clone(), ds.issues[p].id.to_string()]])
            .unwrap_or_default(),
        FieldRef::Custom(def) => match def.kind {
            CustomFieldKind::Option => issue
                .custom
                .team
                .map(|t| {
                    vec![vec![
                        c.team_options[t].value.clone(),
                        c.team_options[t].id.clone(),
                    ]]
                })
                .unwrap_or_default(),
            CustomFieldKind::StringArray => issue
                .custom
                .tags
                .iter()
                .flatten()
                .map(|t| vec![t.clone()])
                .collect(),
            CustomFieldKind::User => user(issue.custom.reviewer),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Epoch milliseconds of a date or datetime field (dates: midnight in the user's zone).
pub(crate) fn date_value(f: FieldRef, issue: &Issue, ctx: &EvalContext) -> Option<i64> {
    match f {
        FieldRef::Created => Some(issue.created.timestamp_millis()),
        FieldRef::Updated => Some(issue.updated.timestamp_millis()),
        FieldRef::Resolved => issue.resolution_date.map(|t| t.timestamp_millis()),
        FieldRef::Due => issue.due_date.map(|d| date_millis(ctx.time_zone, d)),
        FieldRef::Custom(def) if def.kind == CustomFieldKind::Date => issue
            .custom
            .start_date
            .map(|d| date_millis(ctx.time_zone, d)),
        FieldRef::Custom(def) if def.kind == CustomFieldKind::DateTime => {
            issue.custom.approved_at.map(|t| t.timestamp_millis())
        }
        _ => None,
    }
}

fn text_value(f: FieldRef, issue: &Issue) -> Option<String> {
    let plain = |d: &Option<crate::adf::Doc>| d.as_ref().map(|d| d.to_plain_text());
    match f {
        FieldRef::Summary => Some(issue.summary.clone()),
        FieldRef::Description => plain(&issue.description),
        FieldRef::Environment => plain(&issue.environment),
        FieldRef::Custom(_) => plain(&issue.custom.notes),
        _ => {
            let parts = [
                Some(issue.summary.clone()),
                plain(&issue.description),
                plain(&issue.environment),
                plain(&issue.custom.notes),
            ];
            Some(parts.into_iter().flatten().collect::<Vec<_>>().join("\n"))
        }
    }
}
