use clap::Parser;
use conversations_graph::{cli, config::Cli};
use std::process::ExitCode;

// The server allocates many small, short-lived values per request from every worker
// thread; glibc's allocator spent about 40% of a dashboard request in malloc, free and
// arena-lock waits (BENCHMARKS.md). mimalloc's thread-local free lists avoid both.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_tracing();
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, what is wrong and what to do; never a backtrace. Then exit at once:
            // after a shutdown grace period ran out, requests still running must not get to
            // finish (or commit) while the runtime winds down.
            eprintln!("error: {err:#}");
            std::process::exit(1)
        }
    }
}
