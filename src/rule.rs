//! Every rule id and its metadata (default severity, fix availability, summary,
//! documentation). A leaf: config, findings, suppressions and reports import it
//! without importing the rule families. The documentation sits beside the families,
//! one file a rule under `src/rules/docs/`.

/// How loud a finding is; `check` fails on errors only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    Never,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "never",
        }
    }
}

/// Declares `RuleId` from one table: variant, id, default severity, fix availability.
/// The documentation is `src/rules/docs/<id>.md`.
macro_rules! rules {
    ($($variant:ident => $id:literal, $severity:ident, $fix:ident;)*) => {
        /// Every rule the tool knows. `as_str()` is the id used in output, config and
        /// suppression comments; once shipped an id is never renamed or reused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(RuleId::$variant => Severity::$severity,)*
                }
            }

            pub fn fix_availability(self) -> FixAvailability {
                match self {
                    $(RuleId::$variant => FixAvailability::$fix,)*
                }
            }

            /// The rule's documentation: a summary line, then the sections
            /// What it finds / Why / Before / After / Fix safety / Manual follow-up.
            pub fn docs(self) -> &'static str {
                let text = match self {
                    $(RuleId::$variant => include_str!(concat!("rules/docs/", $id, ".md")),)*
                };
                text.trim_end()
            }
        }
    };
}

rules! {
    HardcodedBucket => "hardcoded-bucket", Error, Sometimes;
    BucketInString => "bucket-in-string", Error, Sometimes;
    BucketEnvLookup => "bucket-env-lookup", Error, Always;
    BucketConstant => "bucket-constant", Error, Sometimes;
    BucketNeedsReview => "bucket-needs-review", Warning, Never;
    BucketInText => "bucket-in-text", Warning, Never;
    UnlistedBucket => "unlisted-bucket", Warning, Never;
    Boto3Client => "boto3-client", Error, Sometimes;
    Boto3Import => "boto3-import", Error, Sometimes;
    Boto3Call => "boto3-call", Error, Sometimes;
    TranslationDifference => "translation-difference", Warning, Never;
    UnresolvedS3Call => "unresolved-s3-call", Warning, Never;
    S3fsUsage => "s3fs-usage", Error, Never;
    ClientError => "client-error", Error, Sometimes;
    ErrorCodeCheck => "error-code-check", Error, Never;
    Requirements => "requirements", Error, Sometimes;
    EnvExample => "env-example", Error, Always;
    InvalidSuppression => "invalid-suppression", Warning, Never;
    UnusedSuppression => "unused-suppression", Warning, Never;
}

impl RuleId {
    /// The known id closest to a mistyped one, if any is close (for "did you mean").
    pub fn closest(id: &str) -> Option<RuleId> {
        RuleId::ALL
            .iter()
            .map(|&rule| (strsim::jaro_winkler(id, rule.as_str()), rule))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, rule)| rule)
    }

    /// `unknown rule `x``, with the closest id as a suggestion when there is one.
    pub fn unknown_message(id: &str) -> String {
        match RuleId::closest(id) {
            Some(rule) => format!("unknown rule `{id}` (did you mean `{rule}`?); `s3-to-supabase rules` lists them"),
            None => format!("unknown rule `{id}`; `s3-to-supabase rules` lists them"),
        }
    }

    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|rule| rule.as_str() == id)
    }

    /// One line for `rules` listings: the first line of the documentation.
    pub fn summary(self) -> &'static str {
        self.docs().lines().next().unwrap_or_default()
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_under_the_fixed_headings() {
        for &rule in RuleId::ALL {
            let docs = rule.docs();
            assert!(!rule.summary().is_empty() && !rule.summary().starts_with('#'), "{rule}: no summary line");
            for heading in ["## What it finds", "## Why", "## Before", "## After", "## Fix safety", "## Manual follow-up"] {
                assert!(docs.contains(heading), "{rule}: missing {heading}");
            }
        }
    }

    #[test]
    fn ids_round_trip_and_are_unique() {
        for &rule in RuleId::ALL {
            assert_eq!(RuleId::from_id(rule.as_str()), Some(rule));
        }
        let mut ids: Vec<&str> = RuleId::ALL.iter().map(|rule| rule.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RuleId::ALL.len());
        assert_eq!(RuleId::from_id("no-such-rule"), None);
    }
}
