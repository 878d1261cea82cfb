//! The locations aggregate: [`Locations::decide`] checks every rule and returns the events,
//! `apply` folds them. Pure — no I/O, no clock, no randomness.
//!
//! Rules are checked in a fixed order and the first broken one is reported. Opening: code, code
//! not yet used, name, kind, parent (absent for a warehouse; else given, exists, of the kind
//! above, open), number of locations. Renaming: location known, open, name, name changed.
//! Closing: location known, open, no open children. The hierarchy rules and the bookkeeping of
//! the nodes are `crate::hierarchy`'s, shared with the organisation; this module adds the code
//! and name rules, the kinds and each location's warehouse, and names the refusals.

use std::fmt;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{LocationsCommand, OpenLocation};
use super::errors::LocationsError;
use super::events::{LocationClosed, LocationOpened, LocationRenamed, LocationsEvent};
use super::{MAX_LOCATIONS, MAX_NAME_CHARS};
use crate::hierarchy::{Level, Member, Node, Tree};
use crate::supply::code::check_code;
use crate::text::check_text;

/// What a location is: a warehouse holds zones, a zone holds bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    /// A site; the top of the hierarchy, without parent.
    Warehouse,
    /// An area of a warehouse.
    Zone,
    /// A shelf or slot within a zone.
    Bin,
}

impl LocationKind {
    /// Every kind, from the top of the hierarchy down: each sits in the one before it.
    pub const ALL: [LocationKind; 3] = [LocationKind::Warehouse, LocationKind::Zone, LocationKind::Bin];

    /// The kind named `name`: `warehouse`, `zone` or `bin` (lowercase, exactly); `None` otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The lowercase name, as on the wire: `"warehouse"`, `"zone"` or `"bin"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::Warehouse => "warehouse",
            LocationKind::Zone => "zone",
            LocationKind::Bin => "bin",
        }
    }

    /// The kind a location of this kind sits in: a warehouse for a zone, a zone for a bin,
    /// none for a warehouse.
    #[must_use]
    pub fn parent_kind(self) -> Option<LocationKind> {
        self.above()
    }
}

impl fmt::Display for LocationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Level for LocationKind {
    const TOP_DOWN: &'static [Self] = &Self::ALL;
}

/// One location, as folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    code: String,
    #[serde(flatten)]
    node: Node<LocationKind>,
    warehouse: String,
}

impl Location {
    /// The location code, unique among the tenant's locations.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.node.name()
    }

    /// Warehouse, zone or bin.
    #[must_use]
    pub fn kind(&self) -> LocationKind {
        self.node.kind()
    }

    /// Code of the location it sits in: a warehouse for a zone, a zone for a bin; `None` for a
    /// warehouse.
    #[must_use]
    pub fn parent(&self) -> Option<&str> {
        self.node.parent()
    }

    /// Code of the warehouse it belongs to: its own code for a warehouse.
    #[must_use]
    pub fn warehouse(&self) -> &str {
        &self.warehouse
    }

    /// Whether it is open: it takes stock, changes and new children. Closing is for good.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.node.is_open()
    }

    /// The location a `LocationOpened` describes; `None` if its kind is unknown (which `decide`
    /// never records).
    fn opened(event: LocationOpened) -> Option<Self> {
        let kind = LocationKind::parse(&event.kind)?;
        Some(Self { code: event.code, node: Node::new(event.name, kind, event.parent), warehouse: event.warehouse })
    }
}

impl Member for Location {
    type Level = LocationKind;

    fn node(&self) -> &Node<LocationKind> {
        &self.node
    }

    fn node_mut(&mut self) -> &mut Node<LocationKind> {
        &mut self.node
    }
}

/// The locations of one tenant, folded from their events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locations {
    locations: Tree<Location>,
}

impl Locations {
    /// The location with `code`, open or closed.
    #[must_use]
    pub fn location(&self, code: &str) -> Option<&Location> {
        self.locations.get(code)
    }

    /// Every location, closed ones included, in code order (byte-wise).
    pub fn locations(&self) -> impl Iterator<Item = &Location> {
        self.locations.nodes()
    }

    /// The locations that sit directly in `code`, closed ones included, in code order.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Location> + 'a {
        self.locations.children(code)
    }

    /// How many locations there are, closed ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.locations.len()
    }

    /// Whether there is no location at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.locations.is_empty()
    }

    /// Decides `command` against the current state: the events to record, or why not.
    /// This is the whole of `handle`, callable without an event sink.
    ///
    /// # Errors
    /// The first rule the command breaks, as a [`LocationsError`].
    pub fn decide(&self, command: LocationsCommand) -> Result<Vec<LocationsEvent>, LocationsError> {
        let event = match command {
            LocationsCommand::OpenLocation(open) => LocationsEvent::LocationOpened(self.decide_open(open)?),
            LocationsCommand::RenameLocation { code, name } => {
                self.locations.check_rename(&code, &name, check_name)?;
                LocationsEvent::LocationRenamed(LocationRenamed { code, name })
            }
            LocationsCommand::CloseLocation { code } => {
                self.locations.check_close(&code)?;
                LocationsEvent::LocationClosed(LocationClosed { code })
            }
        };
        Ok(vec![event])
    }

    fn decide_open(&self, open: OpenLocation) -> Result<LocationOpened, LocationsError> {
        if let Err(reason) = check_code(&open.code) {
            return Err(LocationsError::InvalidCode { code: open.code, reason });
        }
        self.locations.check_unused(&open.code)?;
        check_name(&open.name)?;
        let kind = LocationKind::parse(&open.kind).ok_or(LocationsError::InvalidKind { kind: open.kind })?;
        let parent = self.locations.check_placement(kind, open.parent.as_deref())?;
        let warehouse = parent.map_or_else(|| open.code.clone(), |parent| parent.warehouse.clone());
        self.locations.check_room(MAX_LOCATIONS)?;
        Ok(LocationOpened {
            code: open.code,
            name: open.name,
            kind: kind.as_str().to_owned(),
            parent: open.parent,
            warehouse,
        })
    }
}

/// Rejects a blank or over-long name.
fn check_name(name: &str) -> Result<(), LocationsError> {
    check_text(name, MAX_NAME_CHARS, LocationsError::NameBlank, |chars, max| LocationsError::NameTooLong { chars, max })
}

impl Aggregate for Locations {
    const TYPE: &'static str = "supply.locations";
    type Command = LocationsCommand;
    type Event = LocationsEvent;
    type Error = LocationsError;
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
            LocationsEvent::LocationOpened(opened) => {
                let code = opened.code.clone();
                let location = Location::opened(opened);
                debug_assert!(location.is_some(), "malformed LocationOpened for {code}");
                if let Some(location) = location {
                    self.locations.insert(code, location);
                }
            }
            LocationsEvent::LocationRenamed(renamed) => self.locations.rename(&renamed.code, renamed.name),
            LocationsEvent::LocationClosed(closed) => self.locations.close(&closed.code),
        }
    }
}
