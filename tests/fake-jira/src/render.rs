//! Turns the model into Jira Cloud v3 JSON: issues, users, projects, and the `fields`
//! selection rules (`*all`, `*navigable`, `-name`).

use crate::data::links::{Attachment, IssueLink, LinkType, LINK_TYPES};
use crate::data::{Catalog, Dataset, Issue, User};
use chrono::{DateTime, FixedOffset};
use serde_json::{json, Map, Value};

/// Formats a timestamp as Jira does: milliseconds and an offset without a colon.
pub fn jira_time(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
}

fn avatars(base: &str, key: &str) -> Value {
    let url = |size: u32| format!("{base}/secure/useravatar?size={size}&ownerId={key}");
    json!({"48x48": url(48), "24x24": url(24), "16x16": url(16), "32x32": url(32)})
}

/// The JSON of a user as Cloud shows it inside issues and in user lists.
pub fn user_json(base: &str, user: &User) -> Value {
    let mut v = json!({
        "self": format!("{base}/rest/api/3/user?accountId={}", user.account_id),
        "accountId": user.account_id,
        "avatarUrls": avatars(base, &user.account_id),
        "displayName": user.display_name,
        "active": user.active,
        "accountType": user.account_type,
    });
    if let Some(email) = &user.email {
        v["emailAddress"] = json!(email);
    }
    if let Some(tz) = &user.time_zone {
        v["timeZone"] = json!(tz);
    }
    v
}

/// The JSON of a project (as in `project/search` and issue `project`).
pub fn project_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let p = &catalog.projects[index];
    let url = |size: &str| format!("{base}/secure/projectavatar?size={size}&pid={}", p.id);
    json!({
        "self": format!("{base}/rest/api/3/project/{}", p.id),
        "id": p.id.to_string(),
        "key": p.key,
        "name": p.name,
        "projectTypeKey": "software",
        "simplified": false,
        "avatarUrls": {"48x48": url("large"), "24x24": url("small"), "16x16": url("xsmall"), "32x32": url("medium")},
    })
}

/// The JSON of a status as issues carry it (`fields.status`).
pub fn status_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let s = &catalog.statuses[index];
    let c = &catalog.categories[s.category];
    json!({
        "self": format!("{base}/rest/api/3/status/{}", s.id),
        "description": "",
        "iconUrl": format!("{base}/images/icons/statuses/generic.png"),
        "name": s.name,
        "id": s.id,
        "statusCategory": {
            "self": format!("{base}/rest/api/3/statuscategory/{}", c.id),
            "id": c.id, "key": c.key, "colorName": c.color, "name": c.name,
        },
    })
}

/// The JSON of an issue type as issues carry it (`fields.issuetype`).
pub fn issue_type_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let t = &catalog.issue_types[index];
    json!({
        "self": format!("{base}/rest/api/3/issuetype/{}", t.id),
        "id": t.id,
        "description": "",
        "iconUrl": format!("{base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/{}", t.id),
        "name": t.name,
        "subtask": t.subtask,
        "avatarId": 10300,
        "hierarchyLevel": t.hierarchy_level,
    })
}

/// The JSON of a priority as issues carry it (`fields.priority`).
pub fn priority_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let p = &catalog.priorities[index];
    json!({
        "self": format!("{base}/rest/api/3/priority/{}", p.id),
        "iconUrl": format!("{base}/images/icons/priorities/{}.svg", p.name.to_lowercase()),
        "name": p.name,
        "id": p.id,
    })
}

/// The JSON of a resolution as issues carry it (`fields.resolution`).
pub fn resolution_json(base: &str, catalog: &Catalog, index: usize) -> Value {
    let r = &catalog.resolutions[index];
    json!({"self": format!("{base}/rest/api/3/resolution/{}", r.id), "id": r.id, "description": "", "name": r.name})
}

/// The short form of an issue used in `parent` and `subtasks`.
fn issue_ref(base: &str, ds: &Dataset, index: usize) -> Value {
    let i = &ds.issues[index];
    let c = &ds.catalog;
    json!({
        "id": i.id.to_string(),
        "key": i.key,
        "self": format!("{base}/rest/api/3/issue/{}", i.id),
        "fields": {
            "summary": i.summary,
            "status": status_json(base, c, i.status),
            "priority": i.priority.map(|p| priority_json(base, c, p)),
            "issuetype": issue_type_json(base, c, i.issue_type),
        },
    })
}

/// The JSON of an issue link type (`GET /issueLinkType` and inside links).
pub fn link_type_json(base: &str, t: &LinkType) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "inward": t.inward,
        "outward": t.outward,
        "self": format!("{base}/rest/api/3/issueLinkType/{}", t.id),
    })
}

/// One entry of `fields.issuelinks` as `issue` sees the link: the other issue under
/// `outwardIssue` when `issue` is the link's inward side, else under `inwardIssue`.
fn issue_link_json(base: &str, ds: &Dataset, issue: &Issue, link: &IssueLink) -> Value {
    let t = LINK_TYPES.get(link.link_type).unwrap_or(&LINK_TYPES[0]);
    let mut v = json!({
        "id": link.id,
        "self": format!("{base}/rest/api/3/issueLink/{}", link.id),
        "type": link_type_json(base, t),
    });
    if ds.issues.get(link.inward).is_some_and(|i| i.id == issue.id) {
        v["outwardIssue"] = issue_ref(base, ds, link.outward);
    } else {
        v["inwardIssue"] = issue_ref(base, ds, link.inward);
    }
    v
}

/// The JSON of an attachment (`fields.attachment`).
pub fn attachment_json(base: &str, c: &Catalog, a: &Attachment) -> Value {
    let mut v = json!({
        "self": format!("{base}/rest/api/3/attachment/{}", a.id),
        "id": a.id,
        "filename": a.filename,
        "author": user_json(base, &c.users[a.author]),
        "created": jira_time(&a.created),
        "size": a.size,
        "mimeType": a.mime_type,
        "content": format!("{base}/rest/api/3/attachment/content/{}", a.id),
    });
    if a.has_thumbnail() {
        v["thumbnail"] = json!(format!("{base}/rest/api/3/attachment/thumbnail/{}", a.id));
    }
    v
}

fn opt_time(t: &Option<DateTime<FixedOffset>>) -> Value {
    t.as_ref().map_or(Value::Null, |t| json!(jira_time(t)))
}

/// The complete `fields` object of an issue, as `fields=*all` returns it.
pub fn issue_fields(base: &str, ds: &Dataset, issue: &Issue) -> Map<String, Value> {
    let c = &ds.catalog;
    let user = |u: usize| user_json(base, &c.users[u]);
    let mut f = Map::new();
    let mut put = |k: &str, v: Value| {
        f.insert(k.to_string(), v);
    };
    put("summary", json!(issue.summary));
    put(
        "description",
        issue
            .description
            .as_ref()
            .map_or(Value::Null, |d| d.to_json()),
    );
    put(
        "environment",
        issue
            .environment
            .as_ref()
            .map_or(Value::Null, |d| d.to_json()),
    );
    put("project", project_json(base, c, issue.project));
    put("issuetype", issue_type_json(base, c, issue.issue_type));
    if let Some(parent) = issue.parent {
        put("parent", issue_ref(base, ds, parent));
    }
    put(
        "subtasks",
        Value::Array(
            issue
                .subtasks
                .iter()
                .map(|&s| issue_ref(base, ds, s))
                .collect(),
        ),
    );
    put("status", status_json(base, c, issue.status));
    put(
        "priority",
        issue
            .priority
            .map_or(Value::Null, |p| priority_json(base, c, p)),
    );
    put(
        "resolution",
        issue
            .resolution
            .map_or(Value::Null, |r| resolution_json(base, c, r)),
    );
    put("resolutiondate", opt_time(&issue.resolution_date));
    put("labels", json!(issue.labels));
    put(
        "components",
        Value::Array(
            issue
                .components
                .iter()
                .map(|&i| {
                    let comp = &c.components[i].1;
                    json!({"self": format!("{base}/rest/api/3/component/{}", comp.id), "id": comp.id, "name": comp.name})
                })
                .collect(),
        ),
    );
    put(
        "fixVersions",
        Value::Array(
            issue
                .fix_versions
                .iter()
                .map(|&i| {
                    let v = &c.versions[i].1;
                    json!({
                        "self": format!("{base}/rest/api/3/version/{}", v.id), "id": v.id, "description": "",
                        "name": v.name, "archived": v.archived, "released": v.released,
                    })
                })
                .collect(),
        ),
    );
    put("versions", json!([]));
    put("assignee", issue.assignee.map_or(Value::Null, user));
    put("reporter", user(issue.reporter));
    put("creator", user(issue.creator));
    put("created", json!(jira_time(&issue.created)));
    put("updated", json!(jira_time(&issue.updated)));
    put(
        "duedate",
        issue
            .due_date
            .map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string())),
    );
    put("timespent", json!(issue.time_spent));
    put("timeoriginalestimate", json!(issue.original_estimate));
    let remaining = issue
        .original_estimate
        .map(|o| (o - issue.time_spent.unwrap_or(0)).max(0));
    put("timeestimate", json!(remaining));
    put(
        "issuelinks",
        Value::Array(
            issue
                .links
                .iter()
                .filter_map(|&l| ds.links.get(l))
                .map(|l| issue_link_json(base, ds, issue, l))
                .collect(),
        ),
    );
    put(
        "attachment",
        Value::Array(
            issue
                .attachments
                .iter()
                .map(|a| attachment_json(base, c, a))
                .collect(),
        ),
    );
    put(
        "watches",
        json!({"self": format!("{base}/rest/api/3/issue/{}/watchers", issue.key), "watchCount": issue.watch_count, "isWatching": false}),
    );
    put(
        "votes",
        json!({"self": format!("{base}/rest/api/3/issue/{}/votes", issue.key), "votes": issue.votes, "hasVoted": false}),
    );
    let cv = &issue.custom;
    put("customfield_10010", json!(cv.story_points));
    put(
        "customfield_10011",
        cv.team.map_or(Value::Null, |t| {
            let o = &c.team_options[t];
            json!({"self": format!("{base}/rest/api/3/customFieldOption/{}", o.id), "value": o.value, "id": o.id})
        }),
    );
    put("customfield_10012", json!(cv.tags));
    put(
        "customfield_10013",
        cv.start_date
            .map_or(Value::Null, |d| json!(d.format("%Y-%m-%d").to_string())),
    );
    put("customfield_10014", opt_time(&cv.approved_at));
    put("customfield_10015", cv.reviewer.map_or(Value::Null, user));
    put(
        "customfield_10016",
        cv.notes.as_ref().map_or(Value::Null, |d| d.to_json()),
    );
    put("customfield_10017", json!(cv.story_points_2));
    f
}

/// Which fields a request asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSelection {
    /// `*all` or `*navigable` was given.
    pub all: bool,
    /// Field ids named explicitly.
    pub include: Vec<String>,
    /// Field ids excluded with `-name`.
    pub exclude: Vec<String>,
}

impl FieldSelection {
    /// Parses the requested names (already split on commas); `default` applies when none given.
    pub fn parse(requested: &[String], default: &str) -> FieldSelection {
        let mut names: Vec<&str> = requested
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if names.is_empty() {
            names = vec![default];
        }
        let mut sel = FieldSelection {
            all: false,
            include: Vec::new(),
            exclude: Vec::new(),
        };
        for name in names {
            if name == "*all" || name == "*navigable" {
                sel.all = true;
            } else if let Some(rest) = name.strip_prefix('-') {
                sel.exclude.push(rest.to_string());
            } else {
                sel.include.push(name.to_string());
            }
        }
        sel
    }

    /// Whether anything beyond `id` and `key` is requested (pages are then at most 100 issues).
    pub fn wants_more_than_ids(&self) -> bool {
        self.all || self.include.iter().any(|f| f != "id" && f != "key")
    }

    /// Keeps only the selected fields of a complete fields object.
    pub fn apply(&self, mut fields: Map<String, Value>) -> Map<String, Value> {
        fields.retain(|k, _| {
            (self.all || self.include.iter().any(|f| f == k))
                && !self.exclude.iter().any(|f| f == k)
        });
        fields
    }
}

/// An issue as returned by search, `GET /issue` and bulkfetch.
pub fn issue_json(
    base: &str,
    ds: &Dataset,
    issue: &Issue,
    sel: &FieldSelection,
    expand: &str,
) -> Value {
    let fields = if sel.all || !sel.include.is_empty() {
        sel.apply(issue_fields(base, ds, issue))
    } else {
        Map::new()
    };
    json!({
        "expand": expand,
        "id": issue.id.to_string(),
        "self": format!("{base}/rest/api/3/issue/{}", issue.id),
        "key": issue.key,
        "fields": fields,
    })
}
