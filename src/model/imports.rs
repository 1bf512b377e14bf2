//! What an import binds: a library the model knows (boto3, aioboto3, botocore and its
//! exceptions, s3fs, typing, os, pytest, the boto3 type stubs), the storage module or one
//! of its members, another module among the paths, or something else.

use crate::project_index::modules::ModuleMap;

/// A module the model knows the meaning of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Library {
    Boto3,
    /// `boto3.session`.
    Boto3Session,
    /// `boto3.exceptions`.
    Boto3Exceptions,
    /// Any other `boto3.*` module (`boto3.s3.transfer`).
    Boto3Other,
    Aioboto3,
    Botocore,
    BotocoreExceptions,
    /// Any other `botocore.*` module (`botocore.config`, `botocore.stub`).
    BotocoreOther,
    S3fs,
    Typing,
    Os,
    Pytest,
    /// `mypy_boto3_s3`, `types_aiobotocore_s3` and their submodules: S3 type names.
    S3Types,
    /// supabase-py and its storage3: what the migration writes, never S3.
    Supabase,
}

impl Library {
    pub fn of(dotted: &str) -> Option<Library> {
        let top = dotted.split('.').next().unwrap_or_default();
        Some(match (top, dotted) {
            (_, "boto3") => Library::Boto3,
            (_, "boto3.session") => Library::Boto3Session,
            (_, "boto3.exceptions") => Library::Boto3Exceptions,
            ("boto3", _) => Library::Boto3Other,
            ("aioboto3", _) => Library::Aioboto3,
            (_, "botocore") => Library::Botocore,
            (_, "botocore.exceptions") => Library::BotocoreExceptions,
            ("botocore", _) => Library::BotocoreOther,
            ("s3fs", _) => Library::S3fs,
            (_, "typing" | "typing_extensions") => Library::Typing,
            (_, "os") => Library::Os,
            (_, "pytest") => Library::Pytest,
            ("mypy_boto3_s3" | "types_aiobotocore_s3" | "types_aioboto3" | "mypy_boto3", _) => Library::S3Types,
            ("supabase" | "storage3", _) => Library::Supabase,
            _ => return None,
        })
    }

    /// boto3, aioboto3 or botocore: an import the boto3 rules remove once unused.
    pub fn is_boto(self) -> bool {
        matches!(
            self,
            Library::Boto3 | Library::Boto3Session | Library::Boto3Exceptions | Library::Boto3Other | Library::Aioboto3 | Library::Botocore | Library::BotocoreExceptions | Library::BotocoreOther
        )
    }
}

/// A module an import refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModuleRef<'a> {
    Library(Library),
    Storage,
    /// Another module among the paths: its display path.
    Project(&'a str),
    Unknown,
}

/// What one import alias binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Imported<'a> {
    /// The module itself (`import a.b as c`, `from a import b` where `a.b` is a module).
    Module(ModuleRef<'a>),
    /// A name from a module (`from a import b`).
    Member(ModuleRef<'a>, &'a str),
    /// `import a.b.c` without `as`: binds `a`; `dotted` is the whole path.
    Dotted(&'a str),
}

/// How the file's imports are resolved: its path, the modules among the paths and the
/// storage module's dotted name (matched by name when the storage file is not among them).
pub struct ImportContext<'a> {
    pub display: &'a str,
    pub modules: &'a ModuleMap,
    pub storage_module: &'a str,
}

impl<'a> ImportContext<'a> {
    /// The module `dotted` names from this file (absolute import).
    pub fn module(&self, dotted: &str) -> ModuleRef<'a> {
        if let Some(library) = Library::of(dotted) {
            return ModuleRef::Library(library);
        }
        match self.modules.resolve_absolute(self.display, dotted) {
            Some(found) => self.project(found.display),
            None if self.modules.storage().is_none() && names_storage(dotted, self.storage_module) => ModuleRef::Storage,
            None => ModuleRef::Unknown,
        }
    }

    fn project(&self, display: &'a str) -> ModuleRef<'a> {
        if self.modules.storage() == Some(display) {
            ModuleRef::Storage
        } else {
            ModuleRef::Project(display)
        }
    }

    /// `import <dotted> [as alias]`.
    pub fn import(&self, dotted: &'a str, aliased: bool) -> Imported<'a> {
        if aliased || !dotted.contains('.') {
            Imported::Module(self.module(dotted))
        } else {
            Imported::Dotted(dotted)
        }
    }

    /// `from <level dots><module> import <name>`.
    pub fn import_from(&self, module: Option<&'a str>, level: u32, name: &'a str) -> Imported<'a> {
        if level == 0 {
            let Some(module) = module else { return Imported::Module(ModuleRef::Unknown) };
            let joined = format!("{module}.{name}");
            // `from boto3 import session` binds a submodule; a library member otherwise.
            if let Some(library) = Library::of(module) {
                return match Library::of(&joined) {
                    Some(sub) if sub != library && !matches!(sub, Library::Boto3Other | Library::BotocoreOther) => Imported::Module(ModuleRef::Library(sub)),
                    _ => Imported::Member(ModuleRef::Library(library), name),
                };
            }
            if let Some(found) = self.modules.resolve_absolute(self.display, &joined) {
                return Imported::Module(self.project(found.display));
            }
            if self.modules.storage().is_none() && names_storage(&joined, self.storage_module) {
                return Imported::Module(ModuleRef::Storage);
            }
            return Imported::Member(self.module(module), name);
        }
        match self.modules.resolve_relative(self.display, level, module, Some(name)) {
            Some(found) => Imported::Module(self.project(found)),
            None => match self.modules.resolve_relative(self.display, level, module, None) {
                Some(found) => Imported::Member(self.project(found), name),
                None => Imported::Member(ModuleRef::Unknown, name),
            },
        }
    }
}

/// `dotted` names the storage module by its configured dotted path, or ends with it
/// (`backend.utils.s3_utils` run from the repository root).
pub fn names_storage(dotted: &str, target: &str) -> bool {
    dotted == target || dotted.strip_suffix(target).is_some_and(|head| head.ends_with('.'))
}
