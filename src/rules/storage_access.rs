//! How code in one file refers to a member of the storage module: through the
//! binding the file already has, bare inside the module itself, or through a new
//! import in the project's predominant style (an `Edit` the fix carries).

use ruff_text_size::TextSize;

use crate::config::ImportStyle;
use crate::fix::edit::Edit;
use crate::fix::imports::{insert_lines, insertion_offset};
use crate::rules::RuleContext;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// The expression to write, e.g. `s3_utils.SUPABASE_BUCKET_NAME`.
    pub text: String,
    /// The first name of `text`, which must not be rebound where it is used.
    pub first_name: String,
    /// The import to add with the use, when the file has none.
    pub import: Option<Edit>,
    /// Where the binding starts; a module-level use above it would fail at import time.
    pub binding_start: Option<TextSize>,
}

/// How to reach `member` of the storage module from this file, or why it cannot be done.
pub fn access(ctx: &RuleContext, member: &str) -> Result<Access, String> {
    if ctx.is_storage_module {
        return Ok(Access { text: member.to_owned(), first_name: member.to_owned(), import: None, binding_start: None });
    }
    let storage = &ctx.config.storage;
    if member == storage.constant {
        if let Some(binding) = &ctx.bindings.constant {
            return Ok(Access {
                text: binding.reference.clone(),
                first_name: binding.reference.clone(),
                import: None,
                binding_start: Some(binding.statement.start()),
            });
        }
    }
    if let Some(binding) = &ctx.bindings.module {
        return Ok(Access {
            text: format!("{}.{member}", binding.reference),
            first_name: binding.reference.split('.').next().unwrap_or_default().to_owned(),
            import: None,
            binding_start: Some(binding.statement.start()),
        });
    }
    let name = storage.module_name();
    let style = ctx.index.preferred_import.unwrap_or_else(|| {
        ctx.bindings.import_style_wanted.set(true);
        ImportStyle::FromPackage
    });
    let (statement, first_name, text) = match (style, storage.package()) {
        (ImportStyle::FromModule, _) => {
            (format!("from {} import {member}", storage.module), member.to_owned(), member.to_owned())
        }
        (ImportStyle::ImportAs, Some(_)) => {
            (format!("import {} as {name}", storage.module), name.to_owned(), format!("{name}.{member}"))
        }
        (_, Some(package)) => (format!("from {package} import {name}"), name.to_owned(), format!("{name}.{member}")),
        (_, None) => (format!("import {name}"), name.to_owned(), format!("{name}.{member}")),
    };
    if ctx.bindings.module_names.contains(&first_name) {
        return Err(format!(
            "`{first_name}` is already bound to something else in this file, so `{statement}` cannot be added; import the storage module under another name by hand"
        ));
    }
    let text_now = &ctx.file.text;
    let at = insertion_offset(ctx.module, text_now);
    Ok(Access {
        text,
        first_name,
        import: Some(insert_lines(text_now, at, &statement, ctx.file.encoding.newline)),
        binding_start: Some(at),
    })
}
