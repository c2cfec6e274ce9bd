//! JQL date values: quoted literals read in the user's time zone at minute precision,
//! unquoted epoch milliseconds (exact), relative periods and date functions.

use super::Value;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A bound to compare an issue's timestamp with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateBound {
    /// Compare at minute precision: minutes since the epoch (the issue's time is truncated).
    Minute(i64),
    /// Compare exactly: milliseconds since the epoch.
    Millis(i64),
}

impl DateBound {
    /// Compares an issue timestamp (epoch ms) with the bound: `issue.cmp(bound)`.
    pub fn compare(&self, issue_millis: i64) -> std::cmp::Ordering {
        match self {
            DateBound::Minute(m) => issue_millis.div_euclid(60_000).cmp(m),
            DateBound::Millis(ms) => issue_millis.cmp(ms),
        }
    }
}

/// The epoch milliseconds of a local date-time in `tz` (the earlier one when ambiguous, shifted
/// past a gap when it does not exist).
pub fn local_millis(tz: Tz, local: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.timestamp_millis(),
        LocalResult::Ambiguous(a, _) => a.timestamp_millis(),
        LocalResult::None => local_millis(tz, local + Duration::hours(1)),
    }
}

/// Epoch milliseconds of midnight of `date` in `tz` (how a date field compares).
pub fn date_millis(tz: Tz, date: NaiveDate) -> i64 {
    local_millis(tz, date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn parse_literal(s: &str, tz: Tz) -> Option<DateBound> {
    let s = s.trim();
    for f in ["%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(DateBound::Minute(local_millis(tz, t).div_euclid(60_000)));
        }
    }
    for f in ["%Y/%m/%d", "%Y-%m-%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(DateBound::Minute(date_millis(tz, d).div_euclid(60_000)));
        }
    }
    None
}

/// Parses a period like `-4d`, `2w`, `-3h`, `-15m`, `4w 2d`, `+1d` into milliseconds.
fn parse_period(s: &str) -> Option<i64> {
    let s = s.trim();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else if c.is_whitespace() {
            if !number.is_empty() {
                return None;
            }
        } else {
            let unit: i64 = match c.to_ascii_lowercase() {
                'w' => 7 * 86_400_000,
                'd' => 86_400_000,
                'h' => 3_600_000,
                'm' => 60_000,
                _ => return None,
            };
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(unit)?)?;
            number.clear();
            any = true;
        }
    }
    (any && number.is_empty()).then_some(sign * total)
}

fn start_of_day(tz: Tz, now: DateTime<Utc>) -> i64 {
    date_millis(tz, now.with_timezone(&tz).date_naive())
}

/// Reads a JQL value on a date or datetime field; `None` when it is not a valid date.
pub fn parse_date_value(value: &Value, tz: Tz, now: DateTime<Utc>) -> Option<DateBound> {
    let now_ms = now.timestamp_millis();
    match value {
        Value::Word(w)
            if !w.is_empty()
                && w.trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit()) =>
        {
            w.parse().ok().map(DateBound::Millis)
        }
        Value::Word(s) | Value::Str(s) => parse_literal(s, tz).or_else(|| {
            parse_period(s).map(|p| DateBound::Minute((now_ms + p).div_euclid(60_000)))
        }),
        Value::Function { name, .. } => {
            let ms = match name.to_lowercase().as_str() {
                "now" => now_ms,
                "startofday" => start_of_day(tz, now),
                "endofday" => start_of_day(tz, now + Duration::days(1)) - 60_000,
                _ => return None,
            };
            Some(DateBound::Minute(ms.div_euclid(60_000)))
        }
        Value::Empty => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 0, 0, 0).unwrap()
    }

    #[test]
    fn literals_are_read_in_the_time_zone() {
        let tz: Tz = "Australia/Sydney".parse().unwrap();
        // 2024-03-05 10:15 in Sydney (+11:00) is 2024-03-04 23:15 UTC.
        let expected = Utc
            .with_ymd_and_hms(2024, 3, 4, 23, 15, 0)
            .unwrap()
            .timestamp()
            / 60;
        for s in ["2024-03-05 10:15", "2024/03/05 10:15"] {
            assert_eq!(
                parse_date_value(&Value::Str(s.into()), tz, now()),
                Some(DateBound::Minute(expected))
            );
        }
        let midnight = Utc
            .with_ymd_and_hms(2024, 3, 4, 13, 0, 0)
            .unwrap()
            .timestamp()
            / 60;
        assert_eq!(
            parse_date_value(&Value::Str("2024-03-05".into()), tz, now()),
            Some(DateBound::Minute(midnight))
        );
        assert_eq!(
            parse_date_value(&Value::Str("2024/03/05".into()), tz, now()),
            Some(DateBound::Minute(midnight))
        );
        assert_eq!(
            parse_date_value(&Value::Str("yesterday".into()), tz, now()),
            None
        );
        assert_eq!(
            parse_date_value(&Value::Str("1709600000000".into()), tz, now()),
            None
        );
    }

    #[test]
    fn epoch_millis_are_exact_and_periods_relative() {
        let tz: Tz = "UTC".parse().unwrap();
        assert_eq!(
            parse_date_value(&Value::Word("1709600000123".into()), tz, now()),
            Some(DateBound::Millis(1709600000123))
        );
        let base = now().timestamp_millis();
        let cases = [
            ("-4d", -4 * 86_400_000),
            ("-2w", -14 * 86_400_000),
            ("-3h", -3 * 3_600_000),
            ("-15m", -15 * 60_000),
            ("4w 2d", 30 * 86_400_000),
        ];
        for (s, delta) in cases {
            assert_eq!(
                parse_date_value(&Value::Word(s.into()), tz, now()),
                Some(DateBound::Minute((base + delta) / 60_000)),
                "{s}"
            );
        }
    }

    #[test]
    fn minute_precision_truncates_the_issue_time() {
        let bound = DateBound::Minute(1000);
        assert_eq!(
            bound.compare(1000 * 60_000 + 59_999),
            std::cmp::Ordering::Equal
        );
        assert_eq!(bound.compare(1000 * 60_000 - 1), std::cmp::Ordering::Less);
        assert_eq!(DateBound::Millis(5).compare(6), std::cmp::Ordering::Greater);
    }
}
