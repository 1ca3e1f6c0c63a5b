//! framemark's one integration test binary (ripgrep tests/tests.rs pattern): modules by area, real
//! fixtures in tests/fixtures, snapshots in tests/snapshots. Tests that read ../shared skip with a
//! message when it is absent, as do the browser tests when `chromium` is not on PATH.
//!
//! `cli` runs the binary on fixtures, `report` checks every output format (seed snapshots, hostile
//! HTML), `pipeline` the exit codes, streaming and the annotation-tool round trip.

mod cli;
mod labels;
mod model;
mod serve;
mod pipeline;
mod report;
mod text;
