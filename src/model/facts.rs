//! What every file's model reads about the project, built once per run: the module map
//! of the paths, the configured buckets' matcher, and the storage module's exports (so
//! that `s3_utils.s3_client` elsewhere is known to be its S3 client).
//!
//! S3 objects come only from imports of boto3, aioboto3, botocore, their type stubs
//! (`mypy_boto3_s3`, ...), s3fs, or the storage module: a file whose text names none of
//! those holds no S3 call and no `try` guarding one, so its model is the empty module's
//! and its AST is not walked for it (a 50 MB file of bucket literals stays one walk).

use ruff_python_ast::ModModule;

use super::{BucketMatcher, Export, ExportTable, FileModel, ModelInput, ModuleExports};
use crate::config::Config;
use crate::project_index::modules::ModuleMap;

/// Other files' exports are not collected yet (one pass per file): none.
static NO_EXPORTS: ExportTable = ExportTable::new();

#[derive(Clone, Debug)]
pub struct ModelFacts {
    pub modules: ModuleMap,
    pub buckets: BucketMatcher,
    pub storage_exports: Option<ModuleExports>,
    /// The storage module's own name (`s3_utils`): every import of it spells it.
    storage_name: String,
    /// The model of a file that cannot hold an S3 object is this one's.
    empty: ModModule,
}

impl ModelFacts {
    pub fn new<'s>(config: &Config, python_files: impl IntoIterator<Item = &'s str>, storage: Option<&str>) -> ModelFacts {
        ModelFacts {
            modules: ModuleMap::new(python_files, storage),
            buckets: BucketMatcher::new(&config.buckets),
            storage_exports: None,
            storage_name: config.storage.module_name().to_owned(),
            empty: ModModule { node_index: Default::default(), range: Default::default(), body: Default::default() },
        }
    }

    /// The model of `display` (`text` parsed as `module`).
    pub fn model<'a>(&'a self, config: &'a Config, display: &'a str, text: &'a str, module: &'a ModModule, is_storage_module: bool) -> FileModel<'a> {
        let input = self.input(config, display, text, is_storage_module);
        let may_hold_s3 = ["boto", "s3fs", self.storage_name.as_str()].iter().any(|word| text.contains(word));
        FileModel::build(if may_hold_s3 { module } else { &self.empty }, &input)
    }

    /// The input of the model of `display` (`text` parsed).
    pub fn input<'a>(&'a self, config: &'a Config, display: &'a str, text: &'a str, is_storage_module: bool) -> ModelInput<'a> {
        ModelInput {
            config,
            display,
            text,
            modules: &self.modules,
            storage: if is_storage_module { None } else { self.storage_exports.as_ref() },
            exports: &NO_EXPORTS,
            buckets: &self.buckets,
            is_storage_module,
            exports_final: true,
        }
    }

    /// The names of the storage module's module-level S3 objects (`s3_client`).
    pub fn storage_objects(&self) -> impl Iterator<Item = &str> {
        let names = self.storage_exports.iter().flat_map(|exports| exports.names.iter());
        names.filter(|(_, export)| matches!(export, Export::Object(..))).map(|(name, _)| name.as_str())
    }

    /// The storage module's exports, from its parse.
    pub fn exports_of(&self, config: &Config, display: &str, text: &str, module: &ModModule) -> ModuleExports {
        FileModel::build(module, &self.input(config, display, text, true)).exports
    }
}
