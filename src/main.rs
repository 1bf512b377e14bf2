use std::process::ExitCode;

use s3_to_supabase::{interrupt, ExitStatus};

// The parser allocates a node per AST element: malloc/free were a quarter of the
// instructions of `check` with the system allocator (see bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// `main` is one of the two places allowed to print (STYLE.md §9).
#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    // Before anything is written: Ctrl-C stops further writes instead of killing a
    // write half-way, and a write past `ulimit -f` fails with EFBIG instead of
    // killing the process (SIGXFSZ).
    interrupt::install();
    let status = s3_to_supabase::run(std::env::args_os());
    if interrupt::interrupted() {
        eprintln!(
            "error: interrupted: files written before the interrupt have their new content, the others are unchanged; run the command again to finish"
        );
        return ExitCode::from(ExitStatus::Error as u8);
    }
    ExitCode::from(status as u8)
}
