//! Where the source's credentials, region and endpoint come from, as the AWS CLI and boto3
//! resolve them: the environment first (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_S3`/
//! `AWS_ENDPOINT_URL`), then the profile (`AWS_PROFILE`, else `default`) of the shared
//! credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`) and config
//! file (`AWS_CONFIG_FILE`, else `~/.aws/config`, sections `[default]`/`[profile NAME]`).
//! Error messages name variables, files and profiles, never a value.

use std::path::{Path, PathBuf};

use ini::Ini;

/// The resolved source settings. `Debug` is not derived: the secret must not be printable.
pub struct AwsSettings {
    pub credentials: rusty_s3::Credentials,
    pub region: String,
    /// An S3-compatible endpoint (path-style addressing); `None` means AWS itself.
    pub endpoint: Option<String>,
}

/// One profile's keys, merged from the two files (the credentials file wins).
#[derive(Default)]
struct Profile {
    found: bool,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    unsupported: Option<&'static str>,
}

/// Keys of a profile that need a credential provider this tool does not have.
const UNSUPPORTED_KEYS: [&str; 5] = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"];

pub fn resolve(env: &dyn Fn(&str) -> Option<String>) -> Result<AwsSettings, String> {
    let var = |name: &str| env(name).filter(|value| !value.is_empty());
    let explicit_profile = var("AWS_PROFILE").or_else(|| var("AWS_DEFAULT_PROFILE"));
    let profile_name = explicit_profile.clone().unwrap_or_else(|| "default".to_owned());
    let home = var("HOME").map(PathBuf::from);
    let file = |variable: &str, default: &str| var(variable).map(PathBuf::from).or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)));
    let mut profile = Profile::default();
    if let Some(path) = file("AWS_SHARED_CREDENTIALS_FILE", "credentials") {
        read_profile(&path, &profile_name, &mut profile)?;
    }
    if let Some(path) = file("AWS_CONFIG_FILE", "config") {
        let section = if profile_name == "default" { "default".to_owned() } else { format!("profile {profile_name}") };
        read_profile(&path, &section, &mut profile)?;
    }
    if explicit_profile.is_some() && !profile.found {
        return Err(format!("AWS profile `{profile_name}` (from AWS_PROFILE) is in neither the shared credentials nor the config file"));
    }
    let region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")).or(profile.region).unwrap_or_else(|| "us-east-1".to_owned());
    let endpoint = var("AWS_ENDPOINT_URL_S3").or_else(|| var("AWS_ENDPOINT_URL")).or(profile.endpoint_url);
    let credentials = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(key), Some(secret)) => with_token(key, secret, var("AWS_SESSION_TOKEN")),
        (Some(_), None) => return Err("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_owned()),
        (None, Some(_)) => return Err("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_owned()),
        (None, None) => match (profile.access_key_id, profile.secret_access_key) {
            (Some(key), Some(secret)) => with_token(key, secret, profile.session_token),
            _ => {
                return Err(match profile.unsupported {
                    Some(key) => format!(
                        "AWS profile `{profile_name}` uses `{key}`, which migrate-data does not support; export temporary credentials (`aws configure export-credentials --format env`)"
                    ),
                    None => format!(
                        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile `{profile_name}` aws_access_key_id and aws_secret_access_key"
                    ),
                })
            }
        },
    };
    Ok(AwsSettings { credentials, region, endpoint })
}

fn with_token(key: String, secret: String, token: Option<String>) -> rusty_s3::Credentials {
    match token {
        Some(token) => rusty_s3::Credentials::new_with_token(key, secret, token),
        None => rusty_s3::Credentials::new(key, secret),
    }
}

/// Fills what `profile` lacks from `section` of the INI file at `path` (a missing file is fine).
fn read_profile(path: &Path, section: &str, profile: &mut Profile) -> Result<(), String> {
    if !path.is_file() {
        return Ok(());
    }
    let ini = Ini::load_from_file_noescape(path).map_err(|err| match err {
        ini::Error::Io(err) => format!("cannot read {}: {err}", path.display()),
        ini::Error::Parse(err) => format!("{}:{}:{}: not an AWS config file: {}", path.display(), err.line, err.col, err.msg),
    })?;
    let Some(properties) = ini.section(Some(section)) else { return Ok(()) };
    profile.found = true;
    let fill = |slot: &mut Option<String>, key: &str| {
        if slot.is_none() {
            *slot = properties.get(key).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        }
    };
    fill(&mut profile.access_key_id, "aws_access_key_id");
    fill(&mut profile.secret_access_key, "aws_secret_access_key");
    fill(&mut profile.session_token, "aws_session_token");
    fill(&mut profile.region, "region");
    fill(&mut profile.endpoint_url, "endpoint_url");
    if profile.unsupported.is_none() {
        profile.unsupported = UNSUPPORTED_KEYS.into_iter().find(|key| properties.contains_key(key));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn resolve_with(vars: &[(&str, &str)]) -> Result<AwsSettings, String> {
        let vars: BTreeMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        resolve(&|name| vars.get(name).cloned())
    }

    #[test]
    fn environment_first() {
        let s = resolve_with(&[("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "SK"), ("AWS_DEFAULT_REGION", "eu-west-1"), ("HOME", "/nonexistent")]).unwrap();
        assert_eq!((s.credentials.key(), s.credentials.secret(), s.credentials.token()), ("AK", "SK", None));
        assert_eq!((s.region.as_str(), s.endpoint), ("eu-west-1", None));
    }

    #[test]
    fn shared_files_and_profile() {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        std::fs::write(aws.join("credentials"), "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n\n[work]\naws_access_key_id = W\naws_secret_access_key = W\\S\naws_session_token = T\n").unwrap();
        std::fs::write(aws.join("config"), "[default]\nregion = us-west-2\n[profile work]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:9000\n").unwrap();
        let home = dir.path().to_str().unwrap();
        let s = resolve_with(&[("HOME", home)]).unwrap();
        assert_eq!((s.credentials.key(), s.credentials.secret(), s.region.as_str()), ("D", "DS", "us-west-2"));
        let s = resolve_with(&[("HOME", home), ("AWS_PROFILE", "work")]).unwrap();
        assert_eq!((s.credentials.key(), s.credentials.secret(), s.credentials.token()), ("W", "W\\S", Some("T")));
        assert_eq!((s.region.as_str(), s.endpoint.as_deref()), ("ap-south-1", Some("http://127.0.0.1:9000")));
        let err = resolve_with(&[("HOME", home), ("AWS_PROFILE", "nope")]).err().unwrap();
        assert_eq!(err, "AWS profile `nope` (from AWS_PROFILE) is in neither the shared credentials nor the config file");
    }

    #[test]
    fn missing_and_unsupported_credentials_are_named_not_shown() {
        let err = resolve_with(&[("HOME", "/nonexistent")]).err().unwrap();
        assert!(err.starts_with("no AWS credentials: set AWS_ACCESS_KEY_ID"), "{err}");
        let err = resolve_with(&[("AWS_ACCESS_KEY_ID", "AKSECRET")]).err().unwrap();
        assert_eq!(err, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::write(&config, "[profile sso]\nsso_session = corp\n").unwrap();
        let err = resolve_with(&[("AWS_CONFIG_FILE", config.to_str().unwrap()), ("AWS_PROFILE", "sso"), ("HOME", "/nonexistent")]).err().unwrap();
        assert!(err.starts_with("AWS profile `sso` uses `sso_session`"), "{err}");
    }
}
