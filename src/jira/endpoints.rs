//! Where each Jira resource lives: every REST path the extension requests is spelled here once,
//! and entities, paging, custom-field discovery, estimates and EXPLAIN take it from here (a
//! test checks that no other file spells one). `{}` stands for a parent's key or id, `{group}`
//! for a field context's id. Listed resources name their Server/Data Center form where it
//! answers as Cloud's does; the others are read from Cloud only.

use serde_json::Value;

use crate::error::{Error, Result};

/// Which of Jira's two REST APIs a site speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    /// Jira Cloud: `/rest/api/3`, ADF text, users by `accountId`.
    Cloud,
    /// Jira Server and Data Center: `/rest/api/2`, wiki-markup text, users by `name`.
    Server,
}

impl Deployment {
    /// The SERVER option `deployment`: `auto` (`None`: ask the site), `cloud`, `server`
    /// (Server and Data Center alike).
    pub fn parse(value: &str) -> Result<Option<Deployment>> {
        let folded: String = value
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' ' | '/'))
            .flat_map(char::to_lowercase)
            .collect();
        match folded.as_str() {
            "auto" => Ok(None),
            "cloud" => Ok(Some(Deployment::Cloud)),
            "server" | "datacenter" | "dc" | "serverdatacenter" => Ok(Some(Deployment::Server)),
            _ => Err(Error::option(
                format!("invalid value for option \"deployment\": \"{value}\""),
                Some("It must be auto, cloud or server (Server and Data Center).".into()),
            )),
        }
    }

    /// The deployment a `serverInfo` answer names (`deploymentType`: `Cloud`, `Server`,
    /// `DataCenter`; old Server versions send none). Anything else is a broken answer, not a
    /// reason to take the site for another kind of Jira.
    pub fn from_server_info(info: &Value) -> Result<Deployment> {
        if !info.is_object() {
            return Err(Error::Connection(
                "Jira's serverInfo answer is not an object; set the server option deployment"
                    .into(),
            ));
        }
        match info.get("deploymentType") {
            None => Ok(Deployment::Server),
            Some(Value::String(t)) if t.eq_ignore_ascii_case("cloud") => Ok(Deployment::Cloud),
            Some(Value::String(t))
                if t.eq_ignore_ascii_case("server") || t.eq_ignore_ascii_case("datacenter") =>
            {
                Ok(Deployment::Server)
            }
            Some(_) => Err(Error::Connection(
                "Jira's serverInfo names an unknown deploymentType; set the server option deployment"
                    .into(),
            )),
        }
    }

    /// The option's word for it, as kept in a plan.
    pub fn keyword(self) -> &'static str {
        match self {
            Deployment::Cloud => "cloud",
            Deployment::Server => "server",
        }
    }

    /// The name users know it by, for EXPLAIN and messages.
    pub fn name(self) -> &'static str {
        match self {
            Deployment::Cloud => "Cloud",
            Deployment::Server => "Server/Data Center",
        }
    }
}

/// How an endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object: one row.
    Object,
    /// A JSON array, all at once.
    Array,
    /// A JSON array per page (`startAt`/`maxResults`), done when a page comes back short.
    ArrayPages,
    /// `{startAt, maxResults, total?, isLast?, <items>: [...]}` pages.
    Pages(&'static str),
    /// One object whose array at a JSON pointer holds the items (`/issueLinkTypes`).
    Within(&'static str),
    /// One object whose array at a JSON pointer holds as many items as the site allows, with
    /// the `total` that matched; there is no next page, so fewer items than `total` is an
    /// error rather than a silently short table.
    Capped(&'static str),
}

/// A listed resource: its path on Cloud and, where Server/Data Center serves it with the same
/// answer, its path there (`None`: not read there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    cloud: &'static str,
    server: Option<&'static str>,
    /// How Server/Data Center answers, where that differs from Cloud's paging.
    server_shape: Option<Shape>,
    /// Members Server/Data Center's items hold elsewhere: (Cloud's pointer, Server's pointer).
    server_terms: &'static [(&'static str, &'static str)],
}

impl Endpoint {
    /// A resource read from Cloud only.
    const fn cloud(path: &'static str) -> Endpoint {
        Endpoint {
            cloud: path,
            server: None,
            server_shape: None,
            server_terms: &[],
        }
    }

    /// A resource Server/Data Center serves alike at `server`.
    const fn both(cloud: &'static str, server: &'static str) -> Endpoint {
        Endpoint {
            cloud,
            server: Some(server),
            server_shape: None,
            server_terms: &[],
        }
    }

    /// A resource Server/Data Center serves at `server`, answering as `shape`.
    const fn both_as(cloud: &'static str, server: &'static str, shape: Shape) -> Endpoint {
        Endpoint {
            cloud,
            server: Some(server),
            server_shape: Some(shape),
            server_terms: &[],
        }
    }

    /// The same resource, whose Server/Data Center items hold Cloud's member at the first
    /// pointer of each pair at the second.
    const fn server_terms(self, terms: &'static [(&'static str, &'static str)]) -> Endpoint {
        Endpoint {
            server_terms: terms,
            ..self
        }
    }

    /// Puts the items of a `deployment` answer in Cloud's terms: each member the site holds
    /// elsewhere is copied where Cloud's is read from.
    pub fn restate(self, deployment: Deployment, items: &mut [Value]) {
        if deployment != Deployment::Server {
            return;
        }
        for item in items {
            for (cloud, server) in self.server_terms {
                if let Some(value) = item.pointer(server).cloned() {
                    put(item, cloud, value);
                }
            }
        }
    }

    /// How the resource answers on `deployment`, given how Cloud's does.
    pub fn shape(self, deployment: Deployment, cloud: Shape) -> Shape {
        match (deployment, self.server_shape) {
            (Deployment::Server, Some(shape)) => shape,
            _ => cloud,
        }
    }

    /// A resource of the agile API, which Cloud and Server/Data Center serve alike.
    const fn agile(path: &'static str) -> Endpoint {
        Endpoint::both(path, path)
    }

    /// The path on `deployment`, if the resource is read there.
    pub fn path(self, deployment: Deployment) -> Option<&'static str> {
        match deployment {
            Deployment::Cloud => Some(self.cloud),
            Deployment::Server => self.server,
        }
    }

    /// The path on `deployment`, or an error naming it.
    pub fn on(self, deployment: Deployment) -> Result<&'static str> {
        self.path(deployment).ok_or_else(|| Error::Definition {
            message: format!(
                "{} is not read from Jira {}",
                self.cloud.split('?').next().unwrap_or(self.cloud),
                deployment.name()
            ),
            hint: None,
        })
    }

    /// The path EXPLAIN shows: the one of `deployment`, or Cloud's while it is not known.
    pub fn shown(self, deployment: Option<Deployment>) -> &'static str {
        deployment.and_then(|d| self.path(d)).unwrap_or(self.cloud)
    }
}

/// Sets the member at JSON `pointer` of `item` (an object), creating the objects on the way.
fn put(item: &mut Value, pointer: &str, value: Value) {
    let mut at = item;
    let mut segments = pointer.split('/').skip(1).peekable();
    while let Some(segment) = segments.next() {
        let Value::Object(map) = at else {
            return;
        };
        if segments.peek().is_none() {
            map.insert(segment.to_string(), value);
            return;
        }
        at = map
            .entry(segment.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

/// Puts a Server/Data Center answer in Cloud's terms where they differ only by name: Data
/// Center names users by `name` (and `key`), Cloud by `accountId`, so every Data Center user
/// object gains an `accountId` holding its `name`, which is what Data Center's JQL and APIs
/// accept. The `*_account_id` columns then read it as they read Cloud's.
pub fn in_cloud_terms(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(in_cloud_terms),
        Value::Object(map) => {
            let is_user = map.get("accountId").is_none()
                && map.get("name").is_some_and(Value::is_string)
                && map.get("key").is_some_and(Value::is_string)
                && map.get("displayName").is_some_and(Value::is_string)
                && (map.contains_key("active") || map.contains_key("emailAddress"));
            if is_user {
                if let Some(name) = map.get("name").cloned() {
                    map.insert("accountId".into(), name);
                }
            }
            map.values_mut().for_each(in_cloud_terms);
        }
        _ => {}
    }
}

/// `GET`: the site's version and deployment type; the one path both APIs serve alike, asked
/// once per backend and server when `deployment` is `auto`.
pub const DEPLOYMENT_PROBE: &str = "/rest/api/2/serverInfo";

/// `POST`: JQL search with token paging.
pub const SEARCH: &str = "/rest/api/3/search/jql";
/// `POST`: Server/Data Center's JQL search, paged by `startAt`.
pub const SEARCH_V2: &str = "/rest/api/2/search";
/// `POST`: issues by id or key, 100 at a time.
pub const BULK_FETCH: &str = "/rest/api/3/issue/bulkfetch";
/// `POST`: Jira's estimate of a JQL query's size, for planning.
pub const APPROXIMATE_COUNT: &str = "/rest/api/3/search/approximate-count";
/// `GET ?since=`: ids of worklogs updated since a time.
pub const WORKLOG_UPDATED: Endpoint =
    Endpoint::both("/rest/api/3/worklog/updated", "/rest/api/2/worklog/updated");
/// `POST`: worklogs by id.
pub const WORKLOG_LIST: Endpoint =
    Endpoint::both("/rest/api/3/worklog/list", "/rest/api/2/worklog/list");
/// `POST`: a Jira cookie session (LDAP users).
pub const SESSION: &str = "/rest/auth/1/session";

/// `POST`: creates an issue.
pub const ISSUE_CREATE: Endpoint = Endpoint::both("/rest/api/3/issue", "/rest/api/2/issue");
/// `POST`: creates up to 50 issues, each failure reported by its element number.
pub const ISSUE_BULK: Endpoint = Endpoint::both("/rest/api/3/issue/bulk", "/rest/api/2/issue/bulk");
/// `GET` reads, `PUT` edits, `DELETE` deletes an issue (`{id}` its id).
pub const ISSUE: Endpoint = Endpoint::both("/rest/api/3/issue/{id}", "/rest/api/2/issue/{id}");
/// `POST`: creates a project version.
pub const VERSION_CREATE: Endpoint = Endpoint::both("/rest/api/3/version", "/rest/api/2/version");
/// One project version (`{id}`).
pub const VERSION: Endpoint =
    Endpoint::both("/rest/api/3/version/{id}", "/rest/api/2/version/{id}");
/// `POST`: creates a project component.
pub const COMPONENT_CREATE: Endpoint =
    Endpoint::both("/rest/api/3/component", "/rest/api/2/component");
/// One project component (`{id}`).
pub const COMPONENT: Endpoint =
    Endpoint::both("/rest/api/3/component/{id}", "/rest/api/2/component/{id}");
/// `POST`: links two issues (Jira answers without the link's id).
pub const ISSUE_LINK_CREATE: Endpoint =
    Endpoint::both("/rest/api/3/issueLink", "/rest/api/2/issueLink");
/// One issue link (`{id}`): `DELETE` removes it from both issues.
pub const ISSUE_LINK: Endpoint =
    Endpoint::both("/rest/api/3/issueLink/{id}", "/rest/api/2/issueLink/{id}");
/// One watcher of an issue (`{}` the issue, `{id}` the account id; Data Center: the user name).
pub const ISSUE_WATCHER: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/watchers?accountId={id}",
    "/rest/api/2/issue/{}/watchers?username={id}",
);
/// `POST` (multipart): attaches files to an issue (`{}` its key).
pub const ISSUE_ATTACH: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/attachments",
    "/rest/api/2/issue/{}/attachments",
);
/// One attachment (`{id}`): `DELETE` removes it.
pub const ATTACHMENT: Endpoint =
    Endpoint::both("/rest/api/3/attachment/{id}", "/rest/api/2/attachment/{id}");
/// One comment of an issue (`{}` the issue, `{id}` the comment).
pub const ISSUE_COMMENT: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/comment/{id}",
    "/rest/api/2/issue/{}/comment/{id}",
);
/// One worklog of an issue (`{}` the issue, `{id}` the worklog).
pub const ISSUE_WORKLOG: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/worklog/{id}",
    "/rest/api/2/issue/{}/worklog/{id}",
);

/// Projects with lead and description: paged on Cloud, one list on Server/Data Center.
pub const PROJECTS: Endpoint = Endpoint::both_as(
    "/rest/api/3/project/search?expand=lead,description",
    "/rest/api/2/project?expand=lead,description",
    Shape::Array,
);
/// Users, paged as plain arrays.
pub const USERS: Endpoint = Endpoint::both(
    "/rest/api/3/users/search",
    "/rest/api/2/user/search?username=.",
);
/// Every field, system and custom.
pub const FIELDS: Endpoint = Endpoint::both("/rest/api/3/field", "/rest/api/2/field");
/// The authenticated user.
pub const MYSELF: Endpoint = Endpoint::both("/rest/api/3/myself", "/rest/api/2/myself");
/// The site's version and deployment.
pub const SERVER_INFO: Endpoint =
    Endpoint::both("/rest/api/3/serverInfo", "/rest/api/2/serverInfo");
/// Issue priorities.
pub const PRIORITIES: Endpoint = Endpoint::both("/rest/api/3/priority", "/rest/api/2/priority");
/// Workflow statuses.
pub const STATUSES: Endpoint = Endpoint::both("/rest/api/3/status", "/rest/api/2/status");
/// Status categories.
pub const STATUS_CATEGORIES: Endpoint =
    Endpoint::both("/rest/api/3/statuscategory", "/rest/api/2/statuscategory");
/// Resolutions.
pub const RESOLUTIONS: Endpoint =
    Endpoint::both("/rest/api/3/resolution", "/rest/api/2/resolution");
/// Issue types.
pub const ISSUE_TYPES: Endpoint = Endpoint::both("/rest/api/3/issuetype", "/rest/api/2/issuetype");
/// Labels, paged.
pub const LABELS: Endpoint = Endpoint::cloud("/rest/api/3/label");
/// An issue's comments.
pub const ISSUE_COMMENTS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/comment",
    "/rest/api/2/issue/{}/comment",
);
/// An issue's worklogs.
pub const ISSUE_WORKLOGS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/worklog",
    "/rest/api/2/issue/{}/worklog",
);
/// A project's components.
pub const PROJECT_COMPONENTS: Endpoint = Endpoint::both(
    "/rest/api/3/project/{}/components",
    "/rest/api/2/project/{}/components",
);
/// A project's versions.
pub const PROJECT_VERSIONS: Endpoint = Endpoint::both(
    "/rest/api/3/project/{}/versions",
    "/rest/api/2/project/{}/versions",
);
/// Issue link types.
pub const ISSUE_LINK_TYPES: Endpoint =
    Endpoint::both("/rest/api/3/issueLinkType", "/rest/api/2/issueLinkType");
/// An issue's links.
pub const ISSUE_LINKS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}?fields=issuelinks",
    "/rest/api/2/issue/{}?fields=issuelinks",
);
/// An issue's attachments.
pub const ISSUE_ATTACHMENTS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}?fields=attachment",
    "/rest/api/2/issue/{}?fields=attachment",
);
/// The transitions an issue can take now (`GET`), and taking one (`POST`).
pub const ISSUE_TRANSITIONS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/transitions",
    "/rest/api/2/issue/{}/transitions",
);
/// An issue's watchers.
pub const ISSUE_WATCHERS: Endpoint = Endpoint::both(
    "/rest/api/3/issue/{}/watchers",
    "/rest/api/2/issue/{}/watchers",
);
/// An issue's votes.
pub const ISSUE_VOTES: Endpoint =
    Endpoint::both("/rest/api/3/issue/{}/votes", "/rest/api/2/issue/{}/votes");
/// An issue's change history: paged on Cloud; Data Center has no changelog resource but
/// lists the whole history in the issue's `changelog` expansion.
pub const ISSUE_CHANGELOG: Endpoint = Endpoint::both_as(
    "/rest/api/3/issue/{}/changelog",
    "/rest/api/2/issue/{}?expand=changelog&fields=created",
    Shape::Within("/changelog/histories"),
);
/// Project categories.
pub const PROJECT_CATEGORIES: Endpoint =
    Endpoint::both("/rest/api/3/projectCategory", "/rest/api/2/projectCategory");
/// A project's roles with their details.
pub const PROJECT_ROLES: Endpoint = Endpoint::cloud("/rest/api/3/project/{}/roledetails");
/// Groups: paged on Cloud; Server/Data Center has only its group picker, which lists as many
/// as the site's `jira.ajax.autocomplete.limit` and names groups by name alone.
pub const GROUPS: Endpoint = Endpoint::both_as(
    "/rest/api/3/group/bulk",
    "/rest/api/2/groups/picker?maxResults=1000",
    Shape::Capped("/groups"),
)
.server_terms(&[("/groupId", "/name")]);
/// A group's members (by group id on Cloud, by name on Server/Data Center), paged.
pub const GROUP_MEMBERS: Endpoint = Endpoint::both(
    "/rest/api/3/group/member?includeInactiveUsers=true&groupId={}",
    "/rest/api/2/group/member?includeInactiveUsers=true&groupname={}",
);
/// Filters, paged, with what the table shows.
pub const FILTERS: Endpoint =
    Endpoint::cloud("/rest/api/3/filter/search?expand=description,owner,jql,favourite,viewUrl");
/// Dashboards, paged (Server/Data Center's list has ids, names and links only).
pub const DASHBOARDS: Endpoint = Endpoint::both_as(
    "/rest/api/3/dashboard/search",
    "/rest/api/2/dashboard",
    Shape::Pages("dashboards"),
);
/// Workflows: paged on Cloud, one list on Server/Data Center, whose workflows have a name and
/// a `default` flag but no entity id, and modification dates formatted for display only.
pub const WORKFLOWS: Endpoint = Endpoint::both_as(
    "/rest/api/3/workflow/search",
    "/rest/api/2/workflow",
    Shape::Array,
)
.server_terms(&[("/id/name", "/name"), ("/isDefault", "/default")]);
/// A custom field's contexts, paged.
pub const FIELD_CONTEXTS: Endpoint = Endpoint::cloud("/rest/api/3/field/{}/context");
/// The options of one context of a custom field, paged.
pub const FIELD_CONTEXT_OPTIONS: Endpoint =
    Endpoint::cloud("/rest/api/3/field/{}/context/{group}/option");

/// Boards, paged.
pub const BOARDS: Endpoint = Endpoint::agile("/rest/agile/1.0/board");
/// A board's sprints, paged.
pub const BOARD_SPRINTS: Endpoint = Endpoint::agile("/rest/agile/1.0/board/{}/sprint");
/// `POST`: creates a (future) sprint on a scrum board.
pub const SPRINT_CREATE: Endpoint = Endpoint::agile("/rest/agile/1.0/sprint");
/// One sprint (`{id}`): `POST` updates the members given (a `PUT` would clear the others),
/// `DELETE` deletes it.
pub const SPRINT: Endpoint = Endpoint::agile("/rest/agile/1.0/sprint/{id}");
/// A board's epics, paged.
pub const BOARD_EPICS: Endpoint = Endpoint::agile("/rest/agile/1.0/board/{}/epic");
/// A board's issues, paged, with the fields the table shows.
pub const BOARD_ISSUES: Endpoint =
    Endpoint::agile("/rest/agile/1.0/board/{}/issue?fields=summary,status,issuetype,assignee");
/// A sprint's issues, paged.
pub const SPRINT_ISSUES: Endpoint =
    Endpoint::agile("/rest/agile/1.0/sprint/{}/issue?fields=summary,status,issuetype,assignee");
/// A board's backlog, paged.
pub const BOARD_BACKLOG: Endpoint =
    Endpoint::agile("/rest/agile/1.0/board/{}/backlog?fields=summary,status,issuetype,assignee");

/// A path with `{}` filled in by an already encoded segment.
pub fn with_parent(path: &str, segment: &str) -> String {
    fill(path, Some(segment), None)
}

/// A path with its parent (`{}`) and its row's id (`{id}`) filled in, each an already
/// encoded segment.
pub fn fill(path: &str, parent: Option<&str>, id: Option<&str>) -> String {
    let path = match parent {
        Some(p) => path.replace("{}", p),
        None => path.to_string(),
    };
    match id {
        Some(i) => path.replace("{id}", i),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Deployment;
    use serde_json::json;

    #[test]
    fn data_center_users_get_their_name_as_account_id() {
        let mut page = json!([{
            "key": "OPS", "name": "Operations",
            "lead": {"self": "x", "key": "JIRAUSER10100", "name": "jdoe", "displayName": "J. Doe", "active": true},
            "components": [{"name": "api", "lead": {"key": "k2", "name": "asmith", "displayName": "A", "emailAddress": "a@x"}}]
        }]);
        super::in_cloud_terms(&mut page);
        assert_eq!(page[0]["lead"]["accountId"], "jdoe");
        assert_eq!(page[0]["components"][0]["lead"]["accountId"], "asmith");
        // A project has a key and a name but is no user.
        assert!(page[0].get("accountId").is_none());
        assert!(page[0]["components"][0].get("accountId").is_none());
    }

    #[test]
    fn data_center_members_are_restated_where_cloud_holds_them() {
        let mut items =
            vec![json!({"name": "wf", "default": true, "lastModifiedDate": "07/Oct/24 3:42 PM"})];
        super::WORKFLOWS.restate(Deployment::Cloud, &mut items);
        assert!(items[0].get("id").is_none());
        super::WORKFLOWS.restate(Deployment::Server, &mut items);
        assert_eq!(items[0]["id"]["name"], "wf");
        assert_eq!(items[0]["isDefault"], true);
        let mut groups = vec![json!({"name": "jira-users", "html": "<b>jira</b>-users"})];
        super::GROUPS.restate(Deployment::Server, &mut groups);
        assert_eq!(groups[0]["groupId"], "jira-users");
    }

    #[test]
    fn deployments_are_parsed_and_detected() {
        assert_eq!(Deployment::parse("AUTO").unwrap(), None);
        assert_eq!(Deployment::parse("Cloud").unwrap(), Some(Deployment::Cloud));
        for dc in ["server", "DataCenter", "data_center", "Server/Data Center"] {
            assert_eq!(
                Deployment::parse(dc).unwrap(),
                Some(Deployment::Server),
                "{dc}"
            );
        }
        assert!(Deployment::parse("mainframe")
            .unwrap_err()
            .hint()
            .unwrap()
            .contains("auto, cloud or server"));
        let found = |v| Deployment::from_server_info(&v).ok();
        assert_eq!(
            found(json!({"deploymentType": "Cloud"})),
            Some(Deployment::Cloud)
        );
        assert_eq!(
            found(json!({"deploymentType": "DataCenter"})),
            Some(Deployment::Server)
        );
        assert_eq!(
            found(json!({"deploymentType": "Server"})),
            Some(Deployment::Server)
        );
        assert_eq!(found(json!({"version": "6.4"})), Some(Deployment::Server));
        // A broken answer is an error, not another kind of Jira.
        assert_eq!(found(json!({"deploymentType": 12345})), None);
        assert_eq!(found(json!({"deploymentType": "Mainframe"})), None);
        assert_eq!(found(json!([])), None);
    }

    /// Every `.rs` file under `dir`.
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_other_file_spells_a_rest_path() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        assert!(files.len() > 20);
        let here = src.join("jira").join("endpoints.rs");
        let spelled: Vec<String> = files
            .iter()
            .filter(|f| **f != here)
            .filter(|f| {
                std::fs::read_to_string(f)
                    .unwrap()
                    .contains(concat!("/", "rest/"))
            })
            .map(|f| f.display().to_string())
            .collect();
        assert!(
            spelled.is_empty(),
            "REST paths spelled outside endpoints.rs: {spelled:?}"
        );
    }
}
