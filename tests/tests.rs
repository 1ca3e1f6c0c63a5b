//! framemark's one integration test binary (ripgrep tests/tests.rs pattern): modules by area, real
//! fixtures in tests/fixtures, snapshots in tests/snapshots. Tests that read ../shared skip with a
//! message when it is absent.

mod cli;
mod labels;
mod model;
mod serve;
mod text;
