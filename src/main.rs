use std::process::ExitCode;

fn main() -> ExitCode {
    let status = s3_to_supabase::run(std::env::args_os());
    ExitCode::from(status as u8)
}
