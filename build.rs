//! Adds an rpath to libtorch for `--features torch` builds, so the binary runs without LD_LIBRARY_PATH.
//! The directories come from `scripts/setup-torch.sh` (FRAMEMARK_TORCH_RPATH).
fn main() {
    println!("cargo:rerun-if-env-changed=FRAMEMARK_TORCH_RPATH");
    if std::env::var_os("CARGO_FEATURE_TORCH").is_none() {
        return;
    }
    if let Ok(dirs) = std::env::var("FRAMEMARK_TORCH_RPATH") {
        println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,{dirs}");
    }
}
