//! The `gatehouse` command line, built inside the test package so the end-to-end tests can
//! run it as a separate process (Cargo tells a package's tests where its own binaries are,
//! not another package's). It is the same entry point as `crates/server/src/main.rs`.

fn main() -> std::process::ExitCode {
    gatehouse_server::cli::main()
}
