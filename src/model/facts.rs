//! What every file's model reads about the project, built once per run: the module map
//! of the paths, the configured buckets' matcher, and the storage module's exports (so
//! that `s3_utils.s3_client` elsewhere is known to be its S3 client).

use ruff_python_ast::ModModule;

use super::{BucketMatcher, ExportTable, FileModel, ModelInput, ModuleExports};
use crate::config::Config;
use crate::project_index::modules::ModuleMap;

/// Other files' exports are not collected yet (one pass per file): none.
static NO_EXPORTS: ExportTable = ExportTable::new();

#[derive(Clone, Debug)]
pub struct ModelFacts {
    pub modules: ModuleMap,
    pub buckets: BucketMatcher,
    pub storage_exports: Option<ModuleExports>,
}

impl ModelFacts {
    pub fn new<'s>(config: &Config, python_files: impl IntoIterator<Item = &'s str>, storage: Option<&str>) -> ModelFacts {
        ModelFacts { modules: ModuleMap::new(python_files, storage), buckets: BucketMatcher::new(&config.buckets), storage_exports: None }
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

    /// The storage module's exports, from its parse.
    pub fn exports_of(&self, config: &Config, display: &str, text: &str, module: &ModModule) -> ModuleExports {
        FileModel::build(module, &self.input(config, display, text, true)).exports
    }
}
