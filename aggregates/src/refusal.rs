//! What every aggregate's error tells the HTTP layer, so that one mapping turns any refused
//! command into a problem: the JSON path of the input at fault, a stable machine code, and
//! the class of refusal (422 / 404 / 409).

/// The class of a refusal, for mapping to a status once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The command breaks a rule (HTTP 422).
    Invalid,
    /// The command addresses something that does not exist (HTTP 404).
    NotFound,
    /// The aggregate's state forbids the command (HTTP 409).
    Conflict,
    /// Reference data the decision needs could not be read; retrying may succeed (HTTP 503).
    Unavailable,
}

/// A command refused by an aggregate.
pub trait Refusal: std::error::Error {
    /// JSON path of the command input at fault (`lines[2].debit`, `code`), or `None` when the
    /// refusal stems from state rather than one input.
    fn field(&self) -> Option<String>;

    /// Stable machine-readable code, e.g. `unbalanced`, `account_exists`.
    fn code(&self) -> &'static str;

    /// Whether the command broke a rule, addressed something missing, or conflicts with state.
    fn kind(&self) -> RefusalKind;
}
