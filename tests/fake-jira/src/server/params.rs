//! Query-string helpers: repeated parameters and comma-separated lists, as Jira accepts them.

/// Decodes a raw query string into (name, value) pairs; undecodable input gives no pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
}

/// The last value of a parameter.
pub fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// All values of a repeated, comma-separated parameter (e.g. `fields`), or `None` if absent.
pub fn list(pairs: &[(String, String)], name: &str) -> Option<Vec<String>> {
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect();
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// A non-negative integer parameter with a default; `Err` when present but not a number.
pub fn int(pairs: &[(String, String)], name: &str, default: i64) -> Result<i64, String> {
    match last(pairs, name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("The '{name}' parameter must be a number, got '{v}'.")),
    }
}
