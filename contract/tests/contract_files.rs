//! The contract's files in the repository agree with the current schemas: `docs/events.md` is
//! what `prism-contract docs` prints, and `schemas/avro/published.json` is kept — every current
//! schema reads what its published one wrote (the gate against an incompatible `.avsc` change)
//! and the file records the current schemas (a contract change is made on purpose, with
//! `prism-contract lock`).

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use prism_contract::{docs, published, repo_root};

#[test]
fn the_events_document_is_generated_from_the_current_schemas() {
    let path = repo_root().join("docs/events.md");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written == docs::markdown(),
        "{} is out of date: run `cargo run -q -p prism-contract -- docs > docs/events.md`",
        path.display()
    );
}

#[test]
fn the_current_schemas_keep_the_published_contract() {
    let path = repo_root().join(published::PATH);
    let text = std::fs::read_to_string(&path).unwrap();
    let problems = published::incompatibilities(&published::parse(&text).unwrap());
    assert!(problems.is_empty(), "the current schemas break the published contract:\n{}", problems.join("\n"));
    assert!(
        text == published::locked(),
        "{} does not record the current schemas: run `cargo run -q -p prism-contract -- lock`",
        path.display()
    );
}
