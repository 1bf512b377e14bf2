//! rules.toml in two stages: `RawConfig` is plain serde (unknown keys rejected, every
//! field optional); `Config` is the validated result that rules read. The embedded
//! default supplies every key a project's file leaves out.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::rule::Severity;
use crate::report::Position;
use crate::rule::RuleId;
use crate::python_syntax::{check_dotted_name, check_identifier, check_qualified_name, control_char, is_env_var_name};
use crate::source::position_after;

/// The repository's rules.toml, the configuration when a project has none.
pub const DEFAULT_RULES_TOML: &str = include_str!("../rules.toml");

/// A configuration problem, located in its file: `path:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", path, position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default())]
pub struct ConfigError {
    pub path: String,
    pub position: Option<Position>,
    pub message: String,
}

/// Declares a config section whose fields are all optional, plus `overlay`, which
/// fills the fields a project left out from the defaults.
macro_rules! section {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(pub $field: Option<$ty>,)*
        }

        impl $name {
            fn overlay(self, base: $name) -> $name {
                $name { $($field: self.$field.or(base.$field),)* }
            }
        }
    };
}

section!(
    /// `[buckets]`
    RawBuckets {
        names: Spanned<Vec<String>>,
        keywords: Vec<Spanned<String>>,
        constants: BTreeMap<Spanned<String>, Spanned<String>>,
    }
);
section!(
    /// `[storage]`
    RawStorage {
        module: Spanned<String>,
        constant: Spanned<String>,
        env_var: Spanned<String>,
        default_bucket: Spanned<String>,
        legacy_constants: Vec<Spanned<String>>,
        import_style: Spanned<String>,
    }
);
section!(
    /// `[files]`
    RawFiles { exclude: Vec<Spanned<String>>, env_example: Vec<String> }
);

section!(
    /// `[client]`
    RawClient {
        url_env: Spanned<String>,
        key_env: Spanned<String>,
        client_name: Spanned<String>,
        storage_name: Spanned<String>,
        keep_aws_credentials: bool,
    }
);
section!(
    /// `[errors]`
    RawErrors {
        exception: Spanned<String>,
        exceptions: BTreeMap<Spanned<String>, Spanned<String>>,
        status: BTreeMap<Spanned<String>, Spanned<String>>,
    }
);
section!(
    /// `[setup]`
    RawSetup { requirement: Spanned<String>, remove_boto3: bool }
);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub buckets: RawBuckets,
    #[serde(default)]
    pub storage: RawStorage,
    #[serde(default)]
    pub rules: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub files: RawFiles,
    #[serde(default)]
    pub client: RawClient,
    #[serde(default)]
    pub errors: RawErrors,
    #[serde(default)]
    pub setup: RawSetup,
}

/// How a file that does not bind the storage module gets an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStyle {
    Auto,
    /// `from utils import s3_utils`
    FromPackage,
    /// `import utils.s3_utils as s3_utils`
    ImportAs,
    /// `from utils.s3_utils import SUPABASE_BUCKET_NAME`
    FromModule,
}

#[derive(Clone, Debug)]
pub struct StorageConfig {
    pub module: String,
    pub constant: String,
    pub env_var: String,
    /// The default of `constant`'s definition: `storage.default_bucket`, else `buckets.names[0]`.
    pub default_bucket: String,
    pub legacy_constants: Vec<String>,
    pub import_style: ImportStyle,
}

impl StorageConfig {
    /// The module's last dotted segment, `s3_utils`, the name it is usually bound to.
    pub fn module_name(&self) -> &str {
        self.module.rsplit('.').next().unwrap_or(&self.module)
    }

    /// The module's package, `utils`, if it has one.
    pub fn package(&self) -> Option<&str> {
        self.module.rsplit_once('.').map(|(package, _)| package)
    }
}

/// The constant of one configured bucket, defined in the storage module as
/// `constant = os.getenv(env_var, default)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketConstant {
    pub constant: String,
    pub env_var: String,
    pub default: String,
}

/// How the storage module builds the Supabase client (`[client]`).
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub url_env: String,
    pub key_env: String,
    pub client_name: String,
    pub storage_name: String,
    pub keep_aws_credentials: bool,
}

/// What botocore's exceptions and error codes become (`[errors]`).
#[derive(Clone, Debug)]
pub struct ErrorsConfig {
    /// Dotted path of the exception `ClientError` becomes, e.g. `storage3.exceptions.StorageApiError`.
    pub exception: String,
    /// botocore exception name → dotted replacement.
    pub exceptions: BTreeMap<String, String>,
    /// S3 error code → Supabase status string.
    pub status: BTreeMap<String, String>,
}

/// Project setup files (`[setup]`).
#[derive(Clone, Debug)]
pub struct SetupConfig {
    pub requirement: String,
    pub remove_boto3: bool,
}

/// The validated configuration every rule reads.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where it came from: a path, or "built-in defaults".
    pub origin: String,
    pub buckets: Vec<String>,
    /// Each bucket's constant, in the order of `buckets`: the default bucket's is
    /// `storage.constant`; the others' come from `[buckets.constants]` or are derived
    /// (`data-storage` → `SUPABASE_DATA_STORAGE_BUCKET`). No two share one.
    pub bucket_constants: Vec<BucketConstant>,
    pub bucket_keywords: Vec<String>,
    pub storage: StorageConfig,
    /// `None` for a rule turned off.
    severities: BTreeMap<RuleId, Option<Severity>>,
    pub exclude: GlobSet,
    /// The globs `exclude` is built from, so the command line can extend it.
    exclude_globs: Vec<Glob>,
    pub env_example: Vec<String>,
    pub client: ClientConfig,
    pub errors: ErrorsConfig,
    pub setup: SetupConfig,
}

impl Config {
    /// The effective severity of a rule; `None` when it is off.
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.severities.get(&rule).copied().unwrap_or(Some(rule.default_severity()))
    }

    /// `--select`/`--ignore`: only the selected rules run (all when `select` is empty),
    /// minus the ignored ones.
    pub fn restrict_rules(&mut self, select: &[RuleId], ignore: &[RuleId]) {
        for &rule in RuleId::ALL {
            if (!select.is_empty() && !select.contains(&rule)) || ignore.contains(&rule) {
                self.severities.insert(rule, None);
            }
        }
    }

    /// `--extend-exclude`: these globs are excluded too, besides `files.exclude`.
    pub fn extend_exclude(&mut self, globs: &[Glob]) -> Result<(), globset::Error> {
        if globs.is_empty() {
            return Ok(());
        }
        self.exclude_globs.extend_from_slice(globs);
        let mut builder = GlobSetBuilder::new();
        for glob in &self.exclude_globs {
            builder.add(glob.clone());
        }
        self.exclude = builder.build()?;
        Ok(())
    }

    /// The constant of bucket `index` (of `buckets`).
    pub fn constant_of(&self, index: usize) -> &BucketConstant {
        &self.bucket_constants[index]
    }

    /// The index of the bucket `storage.constant` holds.
    pub fn main_bucket(&self) -> usize {
        self.buckets.iter().position(|bucket| *bucket == self.storage.default_bucket).unwrap_or(0)
    }

    pub fn defaults() -> Config {
        let raw = parse_raw(DEFAULT_RULES_TOML, "rules.toml (built in)")
            .and_then(|raw| Config::build(raw, RawConfig::default(), "built-in defaults", ""))
            .expect("the embedded rules.toml is valid");
        Config { origin: "built-in defaults".to_owned(), ..raw }
    }

    /// The configuration in `path`, or the built-in defaults for `None`.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            None => Ok(Config::defaults()),
            Some(path) => Config::from_file(path),
        }
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
            path: display.clone(),
            position: None,
            message: format!("cannot read configuration: {err}"),
        })?;
        let user = if path.file_name().is_some_and(|name| name == "pyproject.toml") {
            parse_pyproject(&text, &display)?.unwrap_or_default()
        } else {
            parse_raw(&text, &display)?
        };
        let defaults = parse_raw(DEFAULT_RULES_TOML, "rules.toml (built in)")
            .expect("the embedded rules.toml parses");
        Config::build(user, defaults, &display, &text)
    }

    /// Validate the user's values where they were written, then fill the rest from `defaults`.
    fn build(user: RawConfig, defaults: RawConfig, path: &str, text: &str) -> Result<Config, ConfigError> {
        let error_at = |span: std::ops::Range<usize>, message: String| ConfigError {
            path: path.to_owned(),
            position: Some(position_in(text, span.start)),
            message,
        };
        let mut severities = BTreeMap::new();
        for (id, severity) in &user.rules {
            let rule = RuleId::from_id(id).ok_or_else(|| {
                {
                let suggestion = RuleId::closest(id).map(|rule| format!(" (did you mean `{rule}`?)")).unwrap_or_default();
                error_at(severity.span(), format!("unknown rule `{id}` in [rules]{suggestion}; `s3-to-supabase rules` lists them"))
            }
            })?;
            let level = match severity.get_ref().as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" => Some(Severity::Info),
                "off" => None,
                other => {
                    return Err(error_at(
                        severity.span(),
                        format!("rules.{id} = \"{other}\": expected \"error\", \"warning\", \"info\" or \"off\""),
                    ))
                }
            };
            severities.insert(rule, level);
        }
        if let Some(names) = &user.buckets.names {
            if names.get_ref().is_empty() {
                return Err(error_at(names.span(), "buckets.names is empty: list at least one bucket name".to_owned()));
            }
            if let Some(bad) = names.get_ref().iter().find(|name| name.trim().is_empty()) {
                return Err(error_at(names.span(), format!("buckets.names holds an empty name {bad:?}")));
            }
        }
        ConfigText { path, text }.check_written_values(&user)?;
        let import_style = match &user.storage.import_style {
            Some(style) => parse_import_style(style.get_ref())
                .ok_or_else(|| error_at(style.span(), format!(
                    "storage.import_style = \"{}\": expected \"auto\", \"from-package\", \"import-as\" or \"from-module\"",
                    style.get_ref()
                )))
                .map(Some)?,
            None => None,
        };
        let mut exclude_globs = Vec::new();
        for pattern in user.files.exclude.iter().flatten() {
            let glob = Glob::new(pattern.get_ref())
                .map_err(|err| error_at(pattern.span(), format!("files.exclude: {err}")))?;
            exclude_globs.push(glob);
        }

        if let Some(requirement) = &user.setup.requirement {
            if requirement.get_ref().trim().is_empty() {
                return Err(error_at(requirement.span(), "setup.requirement is empty".to_owned()));
            }
        }
        let user_sets_exclude = user.files.exclude.is_some();
        let buckets = user.buckets.overlay(defaults.buckets);
        let storage = user.storage.overlay(defaults.storage);
        let files = user.files.overlay(defaults.files);
        let client = user.client.overlay(defaults.client);
        let errors = user.errors.overlay(defaults.errors);
        let setup = user.setup.overlay(defaults.setup);
        let required = |what: &str| ConfigError {
            path: path.to_owned(),
            position: None,
            message: format!("missing {what}"),
        };
        if !user_sets_exclude {
            for pattern in files.exclude.iter().flatten() {
                exclude_globs.push(Glob::new(pattern.get_ref()).map_err(|err| required(&err.to_string()))?);
            }
        }
        let mut exclude = GlobSetBuilder::new();
        for glob in &exclude_globs {
            exclude.add(glob.clone());
        }
        let names = buckets.names.ok_or_else(|| required("buckets.names"))?.into_inner();
        let constant = storage.constant.ok_or_else(|| required("storage.constant"))?.into_inner();
        let env_var = storage.env_var.ok_or_else(|| required("storage.env_var"))?.into_inner();
        let default_bucket = storage.default_bucket.map_or_else(|| names[0].clone(), Spanned::into_inner);
        let legacy_constants: Vec<String> = storage.legacy_constants.unwrap_or_default().into_iter().map(Spanned::into_inner).collect();
        let bucket_constants = bucket_constants(
            &names,
            buckets.constants.unwrap_or_default(),
            BucketConstant { constant: constant.clone(), env_var: env_var.clone(), default: default_bucket.clone() },
            &legacy_constants,
            &ConfigText { path, text },
        )?;
        Ok(Config {
            origin: path.to_owned(),
            buckets: names,
            bucket_constants,
            bucket_keywords: buckets.keywords.unwrap_or_default().into_iter().map(Spanned::into_inner).collect(),
            storage: StorageConfig {
                module: storage.module.ok_or_else(|| required("storage.module"))?.into_inner(),
                constant,
                env_var,
                default_bucket,
                legacy_constants,
                import_style: import_style
                    .or_else(|| storage.import_style.and_then(|style| parse_import_style(style.get_ref())))
                    .unwrap_or(ImportStyle::Auto),
            },
            severities,
            exclude: exclude.build().map_err(|err| required(&err.to_string()))?,
            exclude_globs,
            env_example: files.env_example.unwrap_or_default(),
            client: ClientConfig {
                url_env: client.url_env.ok_or_else(|| required("client.url_env"))?.into_inner(),
                key_env: client.key_env.ok_or_else(|| required("client.key_env"))?.into_inner(),
                client_name: client.client_name.ok_or_else(|| required("client.client_name"))?.into_inner(),
                storage_name: client.storage_name.ok_or_else(|| required("client.storage_name"))?.into_inner(),
                keep_aws_credentials: client.keep_aws_credentials.unwrap_or(true),
            },
            errors: ErrorsConfig {
                exception: errors.exception.ok_or_else(|| required("errors.exception"))?.into_inner(),
                exceptions: unspanned(errors.exceptions.unwrap_or_default()),
                status: unspanned(errors.status.unwrap_or_default()),
            },
            setup: SetupConfig {
                requirement: setup.requirement.ok_or_else(|| required("setup.requirement"))?.into_inner(),
                remove_boto3: setup.remove_boto3.unwrap_or(false),
            },
        })
    }
}

/// Each bucket's constant: the default bucket (the one `main` defaults to, else the first)
/// takes `main`; every other takes its `[buckets.constants]` entry or a derived name.
/// Two buckets never share a constant.
fn bucket_constants(
    names: &[String],
    table: BTreeMap<Spanned<String>, Spanned<String>>,
    main: BucketConstant,
    legacy: &[String],
    text: &ConfigText,
) -> Result<Vec<BucketConstant>, ConfigError> {
    let main_index = names.iter().position(|bucket| *bucket == main.default).unwrap_or(0);
    let listed: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut chosen: BTreeMap<&str, Spanned<String>> = BTreeMap::new();
    for (bucket, constant) in &table {
        if !listed.contains(bucket.get_ref().as_str()) {
            return Err(text.error_at(bucket.span(), format!("buckets.constants names {:?}, which is not in buckets.names", bucket.get_ref())));
        }
        if *bucket.get_ref() == names[main_index] {
            return Err(text.error_at(bucket.span(), format!("{:?} is the default bucket: its constant is storage.constant", bucket.get_ref())));
        }
        text.check(&format!("buckets.constants.{:?}", bucket.get_ref()), constant, ValueKind::EnvVarIdentifier)?;
        chosen.insert(bucket.get_ref(), constant.clone());
    }
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    taken.insert(main.constant.clone(), names[main_index].clone());
    for name in legacy {
        taken.insert(name.clone(), format!("the legacy constant {name}"));
    }
    let mut out = Vec::with_capacity(names.len());
    for (index, bucket) in names.iter().enumerate() {
        if index == main_index {
            out.push(main.clone());
            continue;
        }
        let (constant, span) = match chosen.get(bucket.as_str()) {
            Some(constant) => (constant.get_ref().clone(), Some(constant.span())),
            None => (derived_constant(bucket), None),
        };
        let at = |message: String| match &span {
            Some(span) => text.error_at(span.clone(), message),
            None => ConfigError { path: text.path.to_owned(), position: None, message },
        };
        if !is_env_var_name(&constant) || check_identifier(&constant).is_err() {
            return Err(at(format!("bucket {bucket:?} needs a constant: set [buckets.constants] {bucket:?} = \"SUPABASE_..._BUCKET\"")));
        }
        if let Some(other) = taken.insert(constant.clone(), bucket.clone()) {
            if other != *bucket {
                return Err(at(format!(
                    "buckets {other:?} and {bucket:?} would share the constant {constant}; give {bucket:?} its own in [buckets.constants]"
                )));
            }
        }
        out.push(BucketConstant { env_var: constant.clone(), constant, default: bucket.clone() });
    }
    Ok(out)
}

/// `data-storage` → `SUPABASE_DATA_STORAGE_BUCKET`.
fn derived_constant(bucket: &str) -> String {
    let mut name = String::from("SUPABASE_");
    for ch in bucket.chars() {
        name.push(if ch.is_ascii_alphanumeric() { ch.to_ascii_uppercase() } else { '_' });
    }
    name.push_str("_BUCKET");
    name
}

fn unspanned(table: BTreeMap<Spanned<String>, Spanned<String>>) -> BTreeMap<String, String> {
    table.into_iter().map(|(key, value)| (key.into_inner(), value.into_inner())).collect()
}

/// What a configuration value must be, because of where the tool writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A name bound or referenced in code (`storage.constant`, `client.client_name`).
    Identifier,
    /// A module path written into imports (`storage.module`).
    DottedName,
    /// An object in a module, written into imports (`errors.exception`).
    QualifiedName,
    /// A variable read with `os.getenv` and listed in `.env.example` (`storage.env_var`).
    EnvVar,
    /// Both a Python variable and the environment variable it reads (`client.url_env`).
    EnvVarIdentifier,
    /// Text written on one line: a string literal, a `.env.example` value (`storage.default_bucket`).
    OneLine,
    /// A line of requirements.txt (`setup.requirement`).
    Requirement,
}

/// A configuration file's path and text, for errors that point into it.
pub struct ConfigText<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl ConfigText<'_> {
    pub fn error_at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        ConfigError { path: self.path.to_owned(), position: Some(position_in(self.text, span.start)), message }
    }

    /// `key = value` is fit for where it is written, or a config error at the value.
    pub fn check(&self, key: &str, value: &Spanned<String>, kind: ValueKind) -> Result<(), ConfigError> {
        let text = value.get_ref().as_str();
        let problem = match kind {
            ValueKind::Identifier => check_identifier(text).err().map(|why| format!("not a Python identifier: {why}")),
            ValueKind::DottedName => check_dotted_name(text).err().map(|why| format!("not a Python dotted name: {why}")),
            ValueKind::QualifiedName => check_qualified_name(text).err().map(|why| format!("not a Python dotted path: {why}")),
            ValueKind::EnvVar | ValueKind::EnvVarIdentifier if !is_env_var_name(text) => Some(
                "not an environment variable name: ASCII letters, digits and `_`, not starting with a digit".to_owned(),
            ),
            ValueKind::EnvVarIdentifier => check_identifier(text).err().map(|why| format!("not a Python identifier: {why}")),
            ValueKind::EnvVar => None,
            ValueKind::OneLine | ValueKind::Requirement if control_char(text).is_some() => Some(format!(
                "holds the control character {:?}; it must fit on one line",
                control_char(text).unwrap_or_default()
            )),
            ValueKind::Requirement if !text.trim_start().starts_with(|ch: char| ch.is_ascii_alphanumeric()) => {
                Some("expected a requirement such as \"supabase==2.34.1\"".to_owned())
            }
            ValueKind::OneLine | ValueKind::Requirement => None,
        };
        match problem {
            Some(problem) => Err(self.error_at(value.span(), format!("{key} = {text:?}: {problem}"))),
            None => Ok(()),
        }
    }

    /// Every value the tool writes into code or setup files, checked where it was written.
    fn check_written_values(&self, user: &RawConfig) -> Result<(), ConfigError> {
        use ValueKind::*;
        let single = [
            ("storage.module", &user.storage.module, DottedName),
            ("storage.constant", &user.storage.constant, Identifier),
            ("storage.env_var", &user.storage.env_var, EnvVar),
            ("storage.default_bucket", &user.storage.default_bucket, OneLine),
            ("client.url_env", &user.client.url_env, EnvVarIdentifier),
            ("client.key_env", &user.client.key_env, EnvVarIdentifier),
            ("client.client_name", &user.client.client_name, Identifier),
            ("client.storage_name", &user.client.storage_name, Identifier),
            ("errors.exception", &user.errors.exception, QualifiedName),
            ("setup.requirement", &user.setup.requirement, Requirement),
        ];
        for (key, value, kind) in single {
            if let Some(value) = value {
                self.check(key, value, kind)?;
            }
        }
        for value in user.storage.legacy_constants.iter().flatten() {
            self.check("storage.legacy_constants", value, Identifier)?;
        }
        for value in user.buckets.keywords.iter().flatten() {
            self.check("buckets.keywords", value, Identifier)?;
        }
        for (name, replacement) in user.errors.exceptions.iter().flatten() {
            self.check("errors.exceptions key", name, Identifier)?;
            self.check(&format!("errors.exceptions.{}", name.get_ref()), replacement, QualifiedName)?;
        }
        for (code, status) in user.errors.status.iter().flatten() {
            self.check(&format!("errors.status.{}", code.get_ref()), status, OneLine)?;
        }
        Ok(())
    }
}

fn parse_import_style(style: &str) -> Option<ImportStyle> {
    match style {
        "auto" => Some(ImportStyle::Auto),
        "from-package" => Some(ImportStyle::FromPackage),
        "import-as" => Some(ImportStyle::ImportAs),
        "from-module" => Some(ImportStyle::FromModule),
        _ => None,
    }
}

fn parse_raw(text: &str, path: &str) -> Result<RawConfig, ConfigError> {
    toml::from_str(text).map_err(|err| toml_error(&err, path, text))
}

/// `[tool.s3-to-supabase]` of a pyproject.toml; other tables are not ours to judge.
fn parse_pyproject(text: &str, path: &str) -> Result<Option<RawConfig>, ConfigError> {
    #[derive(Deserialize)]
    struct PyProject {
        tool: Option<Tool>,
    }
    #[derive(Deserialize)]
    struct Tool {
        #[serde(rename = "s3-to-supabase")]
        ours: Option<RawConfig>,
    }
    let pyproject: PyProject = toml::from_str(text).map_err(|err| toml_error(&err, path, text))?;
    Ok(pyproject.tool.and_then(|tool| tool.ours))
}

fn toml_error(err: &toml::de::Error, path: &str, text: &str) -> ConfigError {
    ConfigError {
        path: path.to_owned(),
        position: err.span().map(|span| position_in(text, span.start)),
        message: err.message().trim().replace('\n', "; "),
    }
}

fn position_in(text: &str, offset: usize) -> Position {
    position_after(&text[..offset.min(text.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.toml");
        std::fs::write(&path, text).unwrap();
        Config::from_file(&path).map_err(|err| ConfigError { path: "rules.toml".to_owned(), ..err })
    }

    #[test]
    fn embedded_default_is_complete() {
        let config = Config::defaults();
        assert_eq!(config.buckets, ["anantra-lms-store"]);
        assert_eq!(config.storage.module, "utils.s3_utils");
        assert_eq!(config.storage.module_name(), "s3_utils");
        assert_eq!(config.storage.package(), Some("utils"));
        assert_eq!(config.storage.constant, "SUPABASE_BUCKET_NAME");
        assert_eq!(config.storage.legacy_constants, ["S3_BUCKET_NAME"]);
        assert_eq!(config.storage.import_style, ImportStyle::Auto);
        assert_eq!(config.severity(RuleId::UnlistedBucket), Some(Severity::Warning));
        assert_eq!(config.client.storage_name, "storage");
        assert_eq!(config.errors.exception, "storage3.exceptions.StorageApiError");
        assert_eq!(config.errors.status["NoSuchKey"], "404");
        assert_eq!(config.errors.exceptions["EndpointConnectionError"], "httpx.ConnectError");
        assert_eq!(config.setup.requirement, "supabase==2.34.1");
        assert!(!config.setup.remove_boto3);
    }

    #[test]
    fn project_file_overrides_only_what_it_names() {
        let config = load("[buckets]\nnames = [\"old-bucket\", \"new-bucket\"]\n[rules]\nunlisted-bucket = \"off\"\n").unwrap();
        assert_eq!(config.buckets, ["old-bucket", "new-bucket"]);
        assert_eq!(config.storage.constant, "SUPABASE_BUCKET_NAME");
        assert_eq!(config.severity(RuleId::UnlistedBucket), None);
        assert_eq!(config.severity(RuleId::HardcodedBucket), Some(Severity::Error));
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = load("[buckets]\nnames = [\"b\"]\nbukets = 1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "rules.toml:3:1: unknown field `bukets`, expected one of `names`, `keywords`, `constants`"
        );
    }

    #[test]
    fn wrong_type_is_located() {
        let err = load("[storage]\nmodule = 3\n").unwrap_err();
        assert_eq!(err.to_string(), "rules.toml:2:10: invalid type: integer `3`, expected a string");
    }

    #[test]
    fn empty_bucket_list_is_an_error() {
        let err = load("[buckets]\nnames = []\n").unwrap_err();
        assert_eq!(err.to_string(), "rules.toml:2:9: buckets.names is empty: list at least one bucket name");
    }

    #[test]
    fn unknown_rule_and_bad_severity_are_errors() {
        let err = load("[rules]\nno-such-rule = \"off\"\n").unwrap_err();
        assert_eq!(err.to_string(), "rules.toml:2:16: unknown rule `no-such-rule` in [rules]; `s3-to-supabase rules` lists them");
        let err = load("[rules]\nhardcoded-bucket = \"loud\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "rules.toml:2:20: rules.hardcoded-bucket = \"loud\": expected \"error\", \"warning\", \"info\" or \"off\""
        );
    }

    #[test]
    fn values_written_into_code_are_validated_where_they_stand() {
        let cases = [
            (
                "[storage]\ndefault_bucket = \"x\\\") or __import__(\\\"os\\\").system(\\\"id\\\") or (\\\"\"\n",
                None,
            ),
            ("[storage]\ndefault_bucket = \"back\\\\slash\"\n", None),
            (
                "[storage]\ndefault_bucket = \"b\\nSUPABASE_URL=https://evil\"\n",
                Some("rules.toml:2:18: storage.default_bucket = \"b\\nSUPABASE_URL=https://evil\": holds the control character '\\n'; it must fit on one line"),
            ),
            (
                "[storage]\nconstant = \"None\"\n",
                Some("rules.toml:2:12: storage.constant = \"None\": not a Python identifier: `None` is a keyword"),
            ),
            (
                "[storage]\nconstant = \"utils.BUCKET\"\n",
                Some("rules.toml:2:12: storage.constant = \"utils.BUCKET\": not a Python identifier: '.' cannot appear in a name"),
            ),
            (
                "[storage]\nmodule = \"utils.class\"\n",
                Some("rules.toml:2:10: storage.module = \"utils.class\": not a Python dotted name: `class` is a keyword"),
            ),
            (
                "[storage]\nmodule = \"utils..s3\"\n",
                Some("rules.toml:2:10: storage.module = \"utils..s3\": not a Python dotted name: a dotted name has an empty segment"),
            ),
            (
                "[storage]\nenv_var = \"BUCKET\\\")\"\n",
                Some("rules.toml:2:11: storage.env_var = \"BUCKET\\\")\": not an environment variable name: ASCII letters, digits and `_`, not starting with a digit"),
            ),
            (
                "[storage]\nlegacy_constants = [\"OLD\", \"class\"]\n",
                Some("rules.toml:2:28: storage.legacy_constants = \"class\": not a Python identifier: `class` is a keyword"),
            ),
            (
                "[client]\nclient_name = \"supabase client\"\n",
                Some("rules.toml:2:15: client.client_name = \"supabase client\": not a Python identifier: ' ' cannot appear in a name"),
            ),
            (
                "[client]\nstorage_name = \"ＳＴＯＲＥ\"\n",
                Some("rules.toml:2:16: client.storage_name = \"ＳＴＯＲＥ\": not a Python identifier: Python reads it as `STORE` (NFKC); write that instead"),
            ),
            (
                "[client]\nurl_env = \"None\"\n",
                Some("rules.toml:2:11: client.url_env = \"None\": not a Python identifier: `None` is a keyword"),
            ),
            (
                "[client]\nkey_env = \"KEY-1\"\n",
                Some("rules.toml:2:11: client.key_env = \"KEY-1\": not an environment variable name: ASCII letters, digits and `_`, not starting with a digit"),
            ),
            (
                "[buckets]\nkeywords = [\"Bucket\", \"bucket name\"]\n",
                Some("rules.toml:2:23: buckets.keywords = \"bucket name\": not a Python identifier: ' ' cannot appear in a name"),
            ),
            (
                "[errors]\nexception = \"StorageApiError\"\n",
                Some("rules.toml:2:13: errors.exception = \"StorageApiError\": not a Python dotted path: expected a dotted path such as `package.module.Name`"),
            ),
            (
                "[errors.exceptions]\nReadTimeoutError = \"httpx.Read Timeout\"\n",
                Some("rules.toml:2:20: errors.exceptions.ReadTimeoutError = \"httpx.Read Timeout\": not a Python dotted path: ' ' cannot appear in a name"),
            ),
            (
                "[errors.exceptions]\n\"Read-Timeout\" = \"httpx.ReadTimeout\"\n",
                Some("rules.toml:2:1: errors.exceptions key = \"Read-Timeout\": not a Python identifier: '-' cannot appear in a name"),
            ),
            (
                "[errors.status]\nNoSuchKey = \"404\\n\"\n",
                Some("rules.toml:2:13: errors.status.NoSuchKey = \"404\\n\": holds the control character '\\n'; it must fit on one line"),
            ),
            (
                "[setup]\nrequirement = \"--index-url https://example.invalid/simple\"\n",
                Some("rules.toml:2:15: setup.requirement = \"--index-url https://example.invalid/simple\": expected a requirement such as \"supabase==2.34.1\""),
            ),
        ];
        for (text, expected) in cases {
            match (load(text), expected) {
                (Ok(_), None) => {}
                (Err(err), Some(expected)) => assert_eq!(err.to_string(), expected, "{text}"),
                (Ok(_), Some(expected)) => panic!("{text} was accepted; expected {expected}"),
                (Err(err), None) => panic!("{text} was rejected: {err}"),
            }
        }
        // Accepted values are kept as written: the literal writer escapes them where they are used.
        let config = load("[storage]\ndefault_bucket = \"a\\\"b\\\\c\"\n").unwrap();
        assert_eq!(config.storage.default_bucket, "a\"b\\c");
    }

    #[test]
    fn pyproject_section_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n[tool.s3-to-supabase.storage]\nconstant = \"BUCKET\"\n",
        )
        .unwrap();
        let config = Config::load(Some(&dir.path().join("pyproject.toml"))).unwrap();
        assert_eq!(config.storage.constant, "BUCKET");
        assert!(config.origin.ends_with("pyproject.toml"));
    }
}
