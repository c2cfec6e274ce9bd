//! Jira Software boards and sprints, generated deterministically from the instance seed.

use super::{Catalog, Issue};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The kind of a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardKind {
    /// A scrum board (has sprints).
    Scrum,
    /// A kanban board (no sprints).
    Kanban,
}

impl BoardKind {
    /// Jira's name of the kind: `scrum` or `kanban`.
    pub fn as_str(self) -> &'static str {
        match self {
            BoardKind::Scrum => "scrum",
            BoardKind::Kanban => "kanban",
        }
    }
}

/// The state of a sprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SprintState {
    /// Finished (has a complete date).
    Closed,
    /// Running now.
    Active,
    /// Planned.
    Future,
}

impl SprintState {
    /// Jira's name of the state: `closed`, `active` or `future`.
    pub fn as_str(self) -> &'static str {
        match self {
            SprintState::Closed => "closed",
            SprintState::Active => "active",
            SprintState::Future => "future",
        }
    }
}

/// Ids from here on are of objects a client created.
pub const CLIENT_IDS: u64 = 1_000_000_000;

/// A sprint of a scrum board.
#[derive(Clone, Debug)]
pub struct Sprint {
    /// Id, unique across the instance (1, 2, ...).
    pub id: u64,
    /// Name, e.g. `ALPHA Sprint 3`.
    pub name: String,
    /// State.
    pub state: SprintState,
    /// Planned start.
    pub start: DateTime<Utc>,
    /// Planned end.
    pub end: DateTime<Utc>,
    /// When it was completed (closed sprints only).
    pub complete: Option<DateTime<Utc>>,
    /// The sprint goal; may be empty.
    pub goal: String,
}

/// A board with its sprints (always empty for kanban boards).
#[derive(Clone, Debug)]
pub struct Board {
    /// Id (1, 2, ...).
    pub id: u64,
    /// Name.
    pub name: String,
    /// Scrum or kanban.
    pub kind: BoardKind,
    /// Index into [`Catalog::projects`] of the board's location.
    pub project: usize,
    /// Sprints in order (closed, then at most one active, then future).
    pub sprints: Vec<Sprint>,
}

const GOALS: [&str; 6] = [
    "",
    "Ship the login redirect fix",
    "Stabilise the \"search page\"",
    "Données: migrate the billing report",
    "日本語 support 🚀",
    "Pay down tech-debt, don't add more",
];

/// The boards of the instance: one or two per project (every project has a board, BETA has
/// both kinds, OPS only a kanban board); ids and sprints follow from the seed.
pub fn boards(catalog: &Catalog, seed: u64) -> Vec<Board> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xA61E_B0A2_D5EE_D001);
    let base = Utc
        .with_ymd_and_hms(2024, 1, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let mut out: Vec<Board> = Vec::new();
    let mut next_sprint = 1u64;
    for (p, project) in catalog.projects.iter().enumerate() {
        let mut kinds = Vec::new();
        if p == 3 {
            kinds.push(BoardKind::Kanban);
        } else {
            kinds.push(BoardKind::Scrum);
            if p == 1 || rng.random_bool(0.5) {
                kinds.push(BoardKind::Kanban);
            }
        }
        for kind in kinds {
            let id = out.len() as u64 + 1;
            let name = match kind {
                BoardKind::Scrum => format!("{} board", project.key),
                BoardKind::Kanban => format!("{} Kanban", project.name),
            };
            let sprints = if kind == BoardKind::Scrum {
                let start = base + Duration::days(rng.random_range(0..60));
                sprints(&mut rng, &project.key, start, &mut next_sprint)
            } else {
                Vec::new()
            };
            out.push(Board {
                id,
                name,
                kind,
                project: p,
                sprints,
            });
        }
    }
    out
}

/// The sprint (index into `board.sprints`) an issue of a scrum board's project is in, or
/// `None` when it is in the backlog (always for kanban boards and other projects' issues).
/// Done issues sit in any sprint of the board; open ones in the active or a future sprint or
/// the backlog. The choice follows from the seed, the board and the issue alone.
pub fn sprint_of(seed: u64, catalog: &Catalog, board: &Board, issue: &Issue) -> Option<usize> {
    if board.kind != BoardKind::Scrum || issue.project != board.project || board.sprints.is_empty()
    {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed ^ issue.id.wrapping_mul(0xA076_1D64_78BD_642F) ^ board.id.wrapping_mul(0xE703_7ED1),
    );
    if rng.random_bool(0.3) {
        return None;
    }
    let done = catalog.categories[catalog.statuses[issue.status].category].key == "done";
    // Sprints a client created hold no generated issue (and leave the others' in place).
    let open: Vec<usize> = (0..board.sprints.len())
        .filter(|&i| board.sprints[i].id < CLIENT_IDS)
        .filter(|&i| done || board.sprints[i].state != SprintState::Closed)
        .collect();
    if open.is_empty() {
        return None;
    }
    Some(open[rng.random_range(0..open.len())])
}

fn sprints(
    rng: &mut ChaCha8Rng,
    key: &str,
    first: DateTime<Utc>,
    next_id: &mut u64,
) -> Vec<Sprint> {
    let closed = rng.random_range(1..=4);
    let active = rng.random_bool(0.7);
    let future = rng.random_range(0..=2);
    let mut states = vec![SprintState::Closed; closed];
    if active {
        states.push(SprintState::Active);
    }
    states.extend(std::iter::repeat_n(SprintState::Future, future));
    let mut start = first;
    states
        .into_iter()
        .enumerate()
        .map(|(n, state)| {
            let millis = rng.random_range(0..60_000);
            let begin = start + Duration::milliseconds(millis);
            let end = begin + Duration::days(14);
            let complete = (state == SprintState::Closed)
                .then(|| end + Duration::minutes(rng.random_range(-2880..2880)));
            start = end + Duration::hours(rng.random_range(0..72));
            let id = *next_id;
            *next_id += 1;
            Sprint {
                id,
                name: format!("{key} Sprint {}", n + 1),
                state,
                start: begin,
                end,
                complete,
                goal: GOALS[rng.random_range(0..GOALS.len())].to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_are_deterministic_and_well_formed() {
        let catalog = Catalog::new("t@example.com", "UTC");
        let a = boards(&catalog, 42);
        let b = boards(&catalog, 42);
        assert_eq!(a.len(), b.len());
        for (p, _) in catalog.projects.iter().enumerate() {
            let n = a.iter().filter(|x| x.project == p).count();
            assert!((1..=2).contains(&n));
        }
        assert!(a.iter().any(|x| x.kind == BoardKind::Kanban));
        let mut ids = Vec::new();
        for board in &a {
            if board.kind == BoardKind::Kanban {
                assert!(board.sprints.is_empty());
                continue;
            }
            assert!(!board.sprints.is_empty());
            let active = board
                .sprints
                .iter()
                .filter(|s| s.state == SprintState::Active)
                .count();
            assert!(active <= 1);
            for s in &board.sprints {
                assert!(s.end > s.start);
                assert_eq!(s.complete.is_some(), s.state == SprintState::Closed);
                ids.push(s.id);
            }
        }
        let mut sorted = ids.clone();
        sorted.dedup();
        assert_eq!(ids, sorted, "sprint ids are unique and ascending");
    }
}
