//! Prism's read side: a projector runtime (consume → decode → apply with checkpoint →
//! dead-letter) shared by one projector per store. Each projector is its own process and
//! consumer group; the `prism-projector --projector <name>` binary runs one of them.

pub mod config;
pub mod dead_letter;
pub mod decode;
pub mod posting;
pub mod projection;
pub mod projectors;
pub mod runtime;
pub mod transient;
