//! `openlex-server`: the license server and its admin CLI in one binary
//! (see [`openlex_server::cli`]).

fn main() -> std::process::ExitCode {
    openlex_server::cli::main()
}
