//! Which field of the model a JQL field name refers to.

use crate::data::{CustomFieldDef, CUSTOM_FIELDS};

/// A searchable field of the fake instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldRef {
    /// `project`
    Project,
    /// `key`, `issuekey`, `issue` (key or id values)
    Key,
    /// `id` (numeric id, also accepts keys)
    Id,
    /// `status`
    Status,
    /// `statusCategory`
    StatusCategory,
    /// `priority`
    Priority,
    /// `issuetype`, `type`
    IssueType,
    /// `resolution`
    Resolution,
    /// `assignee`
    Assignee,
    /// `reporter`
    Reporter,
    /// `creator`
    Creator,
    /// `labels`
    Labels,
    /// `component`
    Component,
    /// `fixVersion`
    FixVersion,
    /// `parent`
    Parent,
    /// `summary`
    Summary,
    /// `description`
    Description,
    /// `environment`
    Environment,
    /// `text` (summary, description, environment and text custom fields)
    Text,
    /// `created`, `createdDate`
    Created,
    /// `updated`, `updatedDate`
    Updated,
    /// `resolutiondate`, `resolved`
    Resolved,
    /// `due`, `duedate`
    Due,
    /// A custom field, by `cf[id]` or name.
    Custom(CustomFieldDef),
}

/// Resolves a field name as written in JQL; several fields when a custom field name is
/// ambiguous (Jira then searches all of them), none when the field does not exist.
pub fn resolve_field(name: &str) -> Vec<FieldRef> {
    let lower = name.to_lowercase();
    let system = match lower.as_str() {
        "project" => Some(FieldRef::Project),
        "key" | "issuekey" | "issue" => Some(FieldRef::Key),
        "id" => Some(FieldRef::Id),
        "status" => Some(FieldRef::Status),
        "statuscategory" => Some(FieldRef::StatusCategory),
        "priority" => Some(FieldRef::Priority),
        "issuetype" | "type" => Some(FieldRef::IssueType),
        "resolution" => Some(FieldRef::Resolution),
        "assignee" => Some(FieldRef::Assignee),
        "reporter" => Some(FieldRef::Reporter),
        "creator" => Some(FieldRef::Creator),
        "labels" => Some(FieldRef::Labels),
        "component" => Some(FieldRef::Component),
        "fixversion" => Some(FieldRef::FixVersion),
        "parent" => Some(FieldRef::Parent),
        "summary" => Some(FieldRef::Summary),
        "description" => Some(FieldRef::Description),
        "environment" => Some(FieldRef::Environment),
        "text" => Some(FieldRef::Text),
        "created" | "createddate" => Some(FieldRef::Created),
        "updated" | "updateddate" => Some(FieldRef::Updated),
        "resolutiondate" | "resolved" => Some(FieldRef::Resolved),
        "due" | "duedate" => Some(FieldRef::Due),
        _ => None,
    };
    if let Some(f) = system {
        return vec![f];
    }
    if let Some(id) = lower.strip_prefix("cf[").and_then(|r| r.strip_suffix(']')) {
        return CUSTOM_FIELDS
            .iter()
            .filter(|d| d.id.to_string() == id)
            .map(|d| FieldRef::Custom(*d))
            .collect();
    }
    CUSTOM_FIELDS
        .iter()
        .filter(|d| d.name.to_lowercase() == lower)
        .map(|d| FieldRef::Custom(*d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve() {
        assert_eq!(resolve_field("STATUS"), vec![FieldRef::Status]);
        assert_eq!(resolve_field("cf[10010]").len(), 1);
        assert_eq!(resolve_field("story points").len(), 2);
        assert!(resolve_field("xyz").is_empty());
        assert!(resolve_field("cf[99999]").is_empty());
    }
}
