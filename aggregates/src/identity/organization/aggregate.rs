//! The organisation aggregate: [`Organization::decide`] checks every rule and returns the
//! events, `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Adding: unit id,
//! unit id not yet used, name, kind, parent (absent for a company; else given, exists, of the
//! kind above, open), number of units. Renaming: unit known, open, name, name changed.
//! Moving: unit known, open, parent (one the unit's kind may sit under, exists, of the kind
//! above, open), parent changed. Closing: unit known, open, no open units under it. The
//! hierarchy rules and the bookkeeping of the units are `crate::hierarchy`'s, shared with the
//! locations; this module adds the unit-id and name rules and the kinds, and names the refusals.

use std::fmt;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{AddUnit, OrganizationCommand};
use super::errors::{OrganizationError, UnitIdError};
use super::events::{
    OrganizationEvent, OrganizationUnitAdded, OrganizationUnitClosed, OrganizationUnitMoved, OrganizationUnitRenamed,
};
use super::{MAX_NAME_CHARS, MAX_UNITS, MAX_UNIT_ID_CHARS};
use crate::hierarchy::{Level, Member, Node, Tree};
use crate::text::check_text;

/// What a unit is: a company holds departments, a department holds teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A legal entity; the top of the hierarchy, without parent.
    Company,
    /// A part of a company.
    Department,
    /// A group of people within a department.
    Team,
}

impl UnitKind {
    /// Every kind, from the top of the hierarchy down: each sits under the one before it.
    pub const ALL: [UnitKind; 3] = [UnitKind::Company, UnitKind::Department, UnitKind::Team];

    /// The kind named `name`: `company`, `department` or `team` (lowercase, exactly); `None`
    /// otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The lowercase name, as on the wire: `"company"`, `"department"` or `"team"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Company => "company",
            UnitKind::Department => "department",
            UnitKind::Team => "team",
        }
    }

    /// The kind a unit of this kind sits under: a company for a department, a department for
    /// a team, none for a company.
    #[must_use]
    pub fn parent_kind(self) -> Option<UnitKind> {
        self.above()
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Level for UnitKind {
    const TOP_DOWN: &'static [Self] = &Self::ALL;
}

/// One organisation unit, as folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    unit_id: String,
    #[serde(flatten)]
    node: Node<UnitKind>,
}

impl Unit {
    /// The unit id, unique among the tenant's units.
    #[must_use]
    pub fn unit_id(&self) -> &str {
        &self.unit_id
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.node.name()
    }

    /// Company, department or team.
    #[must_use]
    pub fn kind(&self) -> UnitKind {
        self.node.kind()
    }

    /// Id of the unit it sits under: a company for a department, a department for a team;
    /// `None` for a company.
    #[must_use]
    pub fn parent(&self) -> Option<&str> {
        self.node.parent()
    }

    /// Whether it is open: users may join it, and it takes changes and new units under it.
    /// Closing is for good.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.node.is_open()
    }
}

impl Member for Unit {
    type Level = UnitKind;

    fn node(&self) -> &Node<UnitKind> {
        &self.node
    }

    fn node_mut(&mut self) -> &mut Node<UnitKind> {
        &mut self.node
    }
}

/// The organisation units of one tenant, folded from their events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    units: Tree<Unit>,
}

impl Organization {
    /// The unit `unit_id`, open or closed.
    #[must_use]
    pub fn unit(&self, unit_id: &str) -> Option<&Unit> {
        self.units.get(unit_id)
    }

    /// Whether `unit_id` names an open unit: one a user may belong to.
    #[must_use]
    pub fn is_open_unit(&self, unit_id: &str) -> bool {
        self.units.get(unit_id).is_some_and(Unit::is_open)
    }

    /// The units directly under `unit_id`, closed ones included, in id order (byte-wise).
    pub fn children<'a>(&'a self, unit_id: &'a str) -> impl Iterator<Item = &'a Unit> + 'a {
        self.units.children(unit_id)
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as an [`OrganizationError`].
    pub fn decide(&self, command: OrganizationCommand) -> Result<Vec<OrganizationEvent>, OrganizationError> {
        let event = match command {
            OrganizationCommand::AddUnit(add) => OrganizationEvent::OrganizationUnitAdded(self.decide_add(add)?),
            OrganizationCommand::RenameUnit { unit_id, name } => {
                self.units.check_rename(&unit_id, &name, check_name)?;
                OrganizationEvent::OrganizationUnitRenamed(OrganizationUnitRenamed { unit_id, name })
            }
            OrganizationCommand::MoveUnit { unit_id, parent } => {
                let previous_parent = self.units.check_move(&unit_id, &parent)?.to_owned();
                if previous_parent == parent {
                    return Err(OrganizationError::ParentUnchanged { unit_id, parent });
                }
                OrganizationEvent::OrganizationUnitMoved(OrganizationUnitMoved { unit_id, parent, previous_parent })
            }
            OrganizationCommand::CloseUnit { unit_id } => {
                self.units.check_close(&unit_id)?;
                OrganizationEvent::OrganizationUnitClosed(OrganizationUnitClosed { unit_id })
            }
        };
        Ok(vec![event])
    }

    fn decide_add(&self, add: AddUnit) -> Result<OrganizationUnitAdded, OrganizationError> {
        if let Some(reason) = unit_id_fault(&add.unit_id) {
            return Err(OrganizationError::InvalidUnitId { reason });
        }
        self.units.check_unused(&add.unit_id)?;
        check_name(&add.name)?;
        let kind = UnitKind::parse(&add.kind).ok_or(OrganizationError::InvalidKind { kind: add.kind })?;
        self.units.check_placement(kind, add.parent.as_deref())?;
        self.units.check_room(MAX_UNITS)?;
        Ok(OrganizationUnitAdded {
            unit_id: add.unit_id,
            name: add.name,
            kind: kind.as_str().to_owned(),
            parent: add.parent,
        })
    }
}

/// Why `unit_id` is not a unit id (1–[`MAX_UNIT_ID_CHARS`] characters of `a`–`z`, `0`–`9`,
/// `-` and `_`), or `None` when it is one.
fn unit_id_fault(unit_id: &str) -> Option<UnitIdError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_');
    match unit_id.chars().count() {
        0 => Some(UnitIdError::Empty),
        chars if chars > MAX_UNIT_ID_CHARS => Some(UnitIdError::TooLong { chars, max: MAX_UNIT_ID_CHARS }),
        _ => unit_id
            .chars()
            .enumerate()
            .find(|&(_, c)| !allowed(c))
            .map(|(position, found)| UnitIdError::InvalidCharacter { found, position }),
    }
}

/// Rejects a blank or over-long name.
fn check_name(name: &str) -> Result<(), OrganizationError> {
    check_text(name, MAX_NAME_CHARS, OrganizationError::NameBlank, |chars, max| OrganizationError::NameTooLong {
        chars,
        max,
    })
}

impl Aggregate for Organization {
    const TYPE: &'static str = "identity.organization";
    type Command = OrganizationCommand;
    type Event = OrganizationEvent;
    type Error = OrganizationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            OrganizationEvent::OrganizationUnitAdded(added) => {
                let kind = UnitKind::parse(&added.kind);
                debug_assert!(kind.is_some(), "unit {} added with unknown kind {}", added.unit_id, added.kind);
                if let Some(kind) = kind {
                    let unit = Unit { unit_id: added.unit_id.clone(), node: Node::new(added.name, kind, added.parent) };
                    self.units.insert(added.unit_id, unit);
                }
            }
            OrganizationEvent::OrganizationUnitRenamed(renamed) => self.units.rename(&renamed.unit_id, renamed.name),
            OrganizationEvent::OrganizationUnitMoved(moved) => {
                self.units.move_to(&moved.unit_id, moved.parent, &moved.previous_parent);
            }
            OrganizationEvent::OrganizationUnitClosed(closed) => self.units.close(&closed.unit_id),
        }
    }
}
