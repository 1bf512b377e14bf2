//! TODO
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus { Success = 0, Failure = 1, Error = 2 }
pub fn run<I, T>(_args: I) -> ExitStatus where I: IntoIterator<Item = T>, T: Into<std::ffi::OsString> + Clone { ExitStatus::Success }
