//! Unit tests of the model, one group per fact.

use ruff_text_size::Ranged;

use super::*;
use crate::config::Config;
use crate::source::parse_python;

const FILE: &str = "backend/api/x.py";
const STORAGE: &str = "backend/utils/s3_utils.py";

/// Build the model of `text` as `FILE` among `files` (the storage module is always there),
/// and hand it to `check`.
fn with_model(text: &str, exports: &ExportTable, check: impl FnOnce(&FileModel, &str)) {
    with_model_as(text, FILE, exports, check)
}

fn with_model_as(text: &str, display: &str, exports: &ExportTable, check: impl FnOnce(&FileModel, &str)) {
    let config = Config::defaults();
    let files = [FILE, STORAGE, "backend/utils/__init__.py", "backend/api/__init__.py", "backend/api/aws.py", "backend/app.py"];
    let modules = ModuleMap::new(files.iter().copied().chain([display]), Some(STORAGE));
    let buckets = BucketMatcher::new(&config.buckets);
    let parsed = parse_python(text).unwrap();
    let input = ModelInput {
        config: &config,
        display,
        text,
        modules: &modules,
        storage: exports.get(STORAGE),
        exports,
        buckets: &buckets,
        is_storage_module: display == STORAGE,
        exports_final: true,
    };
    let model = FileModel::build(parsed.syntax(), &input);
    check(&model, text);
}

fn none() -> ExportTable {
    ExportTable::new()
}

fn line(text: &str, range: ruff_text_size::TextRange) -> usize {
    text[..range.start().to_usize()].matches('\n').count() + 1
}

/// `line:operation kind` of every S3 call.
fn calls(model: &FileModel, text: &str) -> Vec<String> {
    model.calls.iter().map(|call| format!("{}:{} {:?}{}", line(text, call.call.range()), call.operation, call.kind, if call.flavor == Flavor::Async { " async" } else { "" })).collect()
}

/// The value of the last symbol named `name` (in any scope).
fn value_of<'a>(model: &FileModel<'a>, name: &str) -> Value<'a> {
    let symbol = model.scopes.symbols.iter().rposition(|symbol| symbol.name == name).unwrap_or_else(|| panic!("no symbol {name}"));
    model.symbol_value(SymbolId(symbol as u32))
}

/// `line:use` of every bucket occurrence.
fn buckets(model: &FileModel, text: &str) -> Vec<String> {
    model
        .buckets
        .iter()
        .map(|found| {
            let use_ = match found.use_ {
                BucketUse::Argument { .. } => "argument".to_owned(),
                BucketUse::Flows { target } => format!("flows:{}", &text[target]),
                BucketUse::Named { name } => format!("named:{name}"),
                BucketUse::EnvDefault { variable } => format!("env:{variable}"),
                other => format!("{other:?}").to_lowercase(),
            };
            let blocked = found.blocked.map(|blocked| format!(" blocked:{blocked:?}")).unwrap_or_default();
            format!("{}:{use_}{blocked}", line(text, found.range))
        })
        .collect()
}

#[test]
fn nothing_relevant_gives_an_empty_model() {
    with_model("import os\nx = os.getenv('X')\n", &none(), |model, text| {
        assert!(calls(model, text).is_empty());
        assert!(model.buckets.is_empty() && model.tries.is_empty() && model.unresolved.is_empty());
    });
}

// ----- scopes -----

#[test]
fn scopes_resolve_like_python() {
    let text = "\
import boto3
x = 1
class K:
    x = 2
    def m(self):
        return x
def f[T](a):
    y = [x for x in a]
    del a
    global g
    g = 1
";
    with_model(text, &none(), |model, _| {
        let scopes = &model.scopes;
        let module = Scopes::MODULE;
        // The method sees the module's `x`, not the class body's.
        let method = model.functions.iter().find(|function| function.def.name.as_str() == "m").unwrap().scope;
        assert_eq!(scopes.resolve(method, "x"), scopes.local(module, "x"));
        let f = model.functions.iter().find(|function| function.def.name.as_str() == "f").unwrap();
        // `T` lives in the type-parameter scope around `f`.
        assert!(scopes.resolve(f.scope, "T").is_some());
        assert_eq!(scopes.local(module, "T"), None);
        // `global g` binds at module level; `del a` is a site of the parameter's symbol.
        assert!(scopes.local(module, "g").is_some());
        let a = scopes.local(f.scope, "a").unwrap();
        assert!(scopes.symbol(a).sites.iter().any(|&site| scopes.site(site).kind.is_delete()));
        // The comprehension's `x` is its own.
        let comprehension = (0..scopes.scopes.len()).map(|id| ScopeId(id as u32)).find(|&id| scopes.scope(id).kind == ScopeKind::Comprehension).unwrap();
        assert_ne!(scopes.resolve(comprehension, "x"), scopes.local(module, "x"));
    });
}

#[test]
fn a_new_use_of_a_name_is_free_only_where_nothing_shadows_it() {
    let text = "\
from utils import s3_utils
def a():
    return 1
def b(s3_utils):
    return 1
def c():
    return [s3_utils for s3_utils in range(3)]
def d[s3_utils]():
    return 1
class E:
    s3_utils = 1
    def m(self):
        return 1
";
    with_model(text, &none(), |model, text| {
        let expected = |site: &Site| matches!(site.kind, SiteKind::Import { imported: Imported::Module(ModuleRef::Storage), .. });
        let inside = |name: &str| {
            let function = model.functions.iter().find(|function| function.def.name.as_str() == name).unwrap();
            let at = function.def.body[0].range();
            // The innermost scope at the function's first statement.
            let scope = (0..model.scopes.scopes.len())
                .map(|id| ScopeId(id as u32))
                .rfind(|&id| model.scopes.scope(id).range.contains_range(at))
                .unwrap();
            model.scopes.free_for(scope, at.start(), "s3_utils", expected)
        };
        assert_eq!(inside("a"), Ok(()));
        assert_eq!(inside("c"), Ok(()));
        assert!(matches!(inside("b"), Err(Shadow::Local { kind: ScopeKind::Function, .. })));
        let comprehension = (0..model.scopes.scopes.len()).map(|id| ScopeId(id as u32)).find(|&id| model.scopes.scope(id).kind == ScopeKind::Comprehension).unwrap();
        let at = model.scopes.scope(comprehension).range.start();
        assert!(matches!(model.scopes.free_for(comprehension, at, "s3_utils", expected), Err(Shadow::Local { kind: ScopeKind::Comprehension, .. })));
        assert!(matches!(inside("d"), Err(Shadow::Local { kind: ScopeKind::TypeParams, .. })));
        // A class body's name does not reach its methods.
        assert_eq!(inside("m"), Ok(()));
        // Module-level code above the import.
        assert_eq!(model.scopes.free_for(Scopes::MODULE, 0.into(), "s3_utils", expected), Err(Shadow::BeforeBinding));
        let _ = text;
    });
    let deleted = "from utils import s3_utils\ndef f():\n    return 1\ndel s3_utils\n";
    with_model(deleted, &none(), |model, _| {
        let expected = |site: &Site| matches!(site.kind, SiteKind::Import { .. });
        let scope = model.functions[0].scope;
        assert!(matches!(model.scopes.free_for(scope, model.functions[0].def.body[0].start(), "s3_utils", expected), Err(Shadow::Deleted { .. })));
    });
}

// ----- imports and values -----

#[test]
fn imports_bind_what_they_name() {
    let text = "\
import boto3
import boto3.session
import aioboto3
import botocore.exceptions
from botocore.exceptions import ClientError as CE
from boto3 import client as make
import s3fs
from typing import Literal as L
from utils import s3_utils
from utils.s3_utils import upload_file_to_s3
import utils.s3_utils
from . import aws
import requests
";
    with_model(text, &none(), |model, _| {
        assert_eq!(value_of(model, "boto3"), Value::Module(ModuleRef::Library(Library::Boto3)));
        assert_eq!(value_of(model, "utils"), Value::Dotted { path: "utils.s3_utils", len: 5 });
        assert_eq!(value_of(model, "aioboto3"), Value::Module(ModuleRef::Library(Library::Aioboto3)));
        assert_eq!(value_of(model, "CE"), Value::Exception("ClientError"));
        assert_eq!(value_of(model, "make"), Value::Factory(value::Factory::Client(Flavor::Sync)));
        assert_eq!(value_of(model, "L"), Value::TypingLiteral);
        assert_eq!(value_of(model, "s3_utils"), Value::Module(ModuleRef::Storage));
        assert_eq!(value_of(model, "upload_file_to_s3"), Value::StorageMember("upload_file_to_s3"));
        assert_eq!(value_of(model, "aws"), Value::Module(ModuleRef::Project("backend/api/aws.py")));
        assert_eq!(value_of(model, "requests"), Value::Module(ModuleRef::Unknown));
        assert_eq!(value_of(model, "s3fs"), Value::Module(ModuleRef::Library(Library::S3fs)));
    });
}

#[test]
fn attributes_read_on_a_project_module_binding_are_member_reads() {
    let text = "\
from . import aws
import api.aws as shared
import api.aws
import boto3


def f(s3):
    aws.s3.get_object(Bucket='b', Key='k')
    shared.media.put_object(Bucket='b', Key='k', Body=b'')
    api.aws.backups.delete_object(Bucket='b', Key='k')
    return api.version, boto3.client, s3.head_object


def g():
    from .aws import Storage
    Storage.s3.put_object(Bucket='b', Key='k', Body=b'')
    return Storage().client, Storage, aws.Storage.s3
";
    with_model(text, &none(), |model, text| {
        let reads: Vec<String> = model
            .member_reads
            .iter()
            .map(|read| format!("{}:{} {}.{}{}", line(text, read.range), &text[read.range], read.module, read.name, read.attribute.map(|attribute| format!(" .{attribute}")).unwrap_or_default()))
            .collect();
        assert_eq!(
            reads,
            [
                "8:aws backend/api/aws.py.s3 .get_object",
                "9:shared backend/api/aws.py.media .put_object",
                "10:api backend/api/aws.py.backups .delete_object",
                "11:api backend/api/__init__.py.version",
                "16:Storage backend/api/aws.py.Storage .s3",
                "17:Storage backend/api/aws.py.Storage .client",
                "17:aws backend/api/aws.py.Storage .s3",
            ]
        );
    });
}

#[test]
fn clients_from_every_construction() {
    let text = "\
import boto3
from boto3.session import Session
a = boto3.client('s3')
b = boto3.Session(profile_name='p').client('s3')
c = boto3.session.Session().client(service_name='s3')
d = Session().resource('s3')
e = d.Bucket('x')
f = e.Object('k')
g = d.Object('x', 'k')
h = a.get_paginator('list_objects_v2')
i = h.paginate(Bucket='x')
j = e.objects.filter(Prefix='p')
k = d.meta.client
sqs = boto3.client('sqs')
unknown = boto3.client(name)
";
    with_model(text, &none(), |model, _| {
        let sync = |kind| Value::S3(kind, Flavor::Sync);
        assert_eq!(value_of(model, "a"), sync(S3Kind::Client));
        assert_eq!(value_of(model, "b"), sync(S3Kind::Client));
        assert_eq!(value_of(model, "c"), sync(S3Kind::Client));
        assert_eq!(value_of(model, "d"), sync(S3Kind::Resource));
        assert_eq!(value_of(model, "e"), sync(S3Kind::Bucket));
        assert_eq!(value_of(model, "f"), sync(S3Kind::Object));
        assert_eq!(value_of(model, "g"), sync(S3Kind::Object));
        assert_eq!(value_of(model, "h"), sync(S3Kind::Paginator));
        assert_eq!(value_of(model, "i"), sync(S3Kind::Pages));
        assert_eq!(value_of(model, "j"), sync(S3Kind::Collection));
        assert_eq!(value_of(model, "k"), sync(S3Kind::Client));
        assert_eq!(value_of(model, "sqs"), Value::Service("sqs"));
        assert_eq!(value_of(model, "unknown"), Value::Unknown);
    });
}

#[test]
fn aioboto3_clients_are_async_context_managers() {
    let text = "\
import aioboto3
session = aioboto3.Session()
async def read(key):
    async with session.client('s3') as s3:
        r = await s3.get_object(Bucket='b', Key=key)
        return await r['Body'].read()
";
    with_model(text, &none(), |model, text| {
        assert_eq!(value_of(model, "s3"), Value::S3(S3Kind::Client, Flavor::Async));
        assert_eq!(calls(model, text), ["5:get_object Client async"]);
        let call = &model.calls[0];
        assert!(matches!(call.consumer.accesses.as_slice(), [Access::Await]));
        assert!(call.consumer.bound.is_some());
    });
}

#[test]
fn factories_singletons_and_parameters() {
    let text = "\
import boto3
def get_s3_client():
    return boto3.client('s3', region_name='eu-west-1')
def get_aws_client(service):
    return boto3.client(service)
class Storage:
    _resource = None
    @classmethod
    def resource(cls):
        if cls._resource is None:
            cls._resource = boto3.resource('s3')
        return cls._resource
class Uploader:
    def __init__(self):
        self.s3 = boto3.client('s3')
    def put(self, key):
        self.s3.put_object(Bucket='b', Key=key, Body=b'')
def upload(client, key):
    client.upload_file('f', 'b', key)
def annotated(client: 'S3Client'):
    client.delete_object(Bucket='b', Key='k')
get_s3_client().get_object(Bucket='b', Key='k')
get_aws_client('s3').head_object(Bucket='b', Key='k')
get_aws_client('sqs').send_message(QueueUrl='q')
Storage.resource().Bucket('b').delete()
upload(get_s3_client(), 'k')
";
    with_model(text, &none(), |model, text| {
        assert_eq!(
            calls(model, text),
            [
                "17:put_object Client",
                "19:upload_file Client",
                "21:delete_object Client",
                "22:get_object Client",
                "23:head_object Client",
                "25:Bucket Resource",
                "25:delete Bucket",
            ]
        );
    });
}

/// Instance attributes stored from one another (botocore's awsrequest.py has this shape) are
/// each evaluated once: re-evaluating every store per read took 4^24 steps here, a hang.
#[test]
fn attributes_stored_from_each_other_are_evaluated_once() {
    let mut text = String::from("import boto3\nclass Chain:\n    def __init__(self):\n        self.a0 = boto3.client('s3')\n");
    for level in 1..=40 {
        let previous = format!("self.a{}", level - 1);
        text += &format!("        self.a{level} = {previous} or {previous} or {previous} or {previous}\n");
    }
    text += "    def read(self):\n        return self.a40.get_object(Bucket='b', Key='k')\n";
    // Each store is evaluated in order, so the client is followed through all 40 levels.
    with_model(&text, &none(), |model, text| assert_eq!(calls(model, text), ["46:get_object Client"]));
}

/// A recursive function called with known arguments is evaluated once per set of
/// arguments (graphql's `is_equal_type(a.of_type, b.of_type)` has this shape): evaluating
/// it again for every path through its calls was exponential in the depth limit, a hang.
#[test]
fn a_recursive_function_with_bound_arguments_is_evaluated_once() {
    let text = "\
import boto3
class Node:
    def __init__(self):
        self.child = self
        self.s3 = boto3.client('s3')
def walk(node):
    if node:
        return walk(node.child) or walk(node.child)
    return walk(node.child) or walk(node.child)
walk(Node()).get_object(Bucket='b', Key='k')
";
    // `walk` never returns anything but its own recursion: nothing S3 to follow.
    with_model(text, &none(), |model, text| assert_eq!(calls(model, text), Vec::<String>::new()));
}

#[test]
fn clients_from_other_modules() {
    let mut exports = ExportTable::new();
    exports.insert(STORAGE.to_owned(), ModuleExports { names: [("s3_client".to_owned(), Export::Object(S3Kind::Client, Flavor::Sync))].into() });
    exports.insert(
        "backend/api/aws.py".to_owned(),
        ModuleExports {
            names: [
                ("s3".to_owned(), Export::Object(S3Kind::Client, Flavor::Sync)),
                ("make".to_owned(), Export::Factory(exports::Returns::ClientOf { parameter: 0, flavor: Flavor::Sync })),
            ]
            .into(),
        },
    );
    let text = "\
from utils import s3_utils
from .aws import s3, make
s3_utils.s3_client.copy_object(Bucket='b', Key='k', CopySource='b/j')
s3.list_objects_v2(Bucket='b')
make('s3').put_object(Bucket='b', Key='k', Body=b'')
make('secretsmanager').get_secret_value(SecretId='x')
";
    with_model(text, &exports, |model, text| {
        assert_eq!(calls(model, text), ["3:copy_object Client", "4:list_objects_v2 Client", "5:put_object Client"]);
    });
}

#[test]
fn reexport_chains_are_followed_and_cycles_end() {
    let reexport = |module: &str, name: &str| Export::Reexport { module: module.to_owned(), name: name.to_owned() };
    let mut exports = ExportTable::new();
    // aws.py: `from api.app import client as s3`, `from api.aws import own` (itself),
    // `from api.app import looped`; app.py: the client, and `looped` back from aws.py.
    exports.insert(
        "backend/api/aws.py".to_owned(),
        ModuleExports { names: [("s3".to_owned(), reexport("backend/app.py", "client")), ("own".to_owned(), reexport("backend/api/aws.py", "own")), ("looped".to_owned(), reexport("backend/app.py", "looped"))].into() },
    );
    exports.insert(
        "backend/app.py".to_owned(),
        ModuleExports { names: [("client".to_owned(), Export::Object(S3Kind::Client, Flavor::Sync)), ("looped".to_owned(), reexport("backend/api/aws.py", "looped"))].into() },
    );
    let text = "\
from .aws import s3, own, looped
s3.list_objects_v2(Bucket='b')
own.put_object(Bucket='b', Key='k', Body=b'')
looped.get_object(Bucket='b', Key='k')
";
    with_model(text, &exports, |model, text| {
        assert_eq!(calls(model, text), ["2:list_objects_v2 Client"]);
        let unresolved: Vec<String> = model.unresolved.iter().map(|call| format!("{}:{}", line(text, call.call.range()), call.operation)).collect();
        assert_eq!(unresolved, ["3:put_object", "4:get_object"]);
    });
}

#[test]
fn exports_describe_what_other_files_can_reach() {
    let text = "\
import boto3
s3 = boto3.client('s3')
def get_s3_client():
    return boto3.client('s3')
def get_aws_client(service):
    return boto3.client(service)
def upload(bucket_name, key):
    s3.put_object(Bucket=bucket_name, Key=key, Body=b'')
def read(key, where):
    return s3.get_object(Bucket=where, Key=key)
class Holder:
    def __init__(self):
        self.client = boto3.client('s3')
sqs = boto3.client('sqs')
";
    with_model_as(text, "backend/api/aws.py", &none(), |model, _| {
        let names: Vec<String> = model.exports.names.iter().map(|(name, export)| format!("{name}={export:?}")).collect();
        assert_eq!(
            names,
            [
                "Holder=Class { attributes: {\"client\": Object(Client, Sync)} }",
                "get_aws_client=Factory(ClientOf { parameter: 0, flavor: Sync })",
                "get_s3_client=Factory(Object(Client, Sync))",
                "read=BucketFunction { parameter: 1, name: \"where\" }",
                "s3=Object(Client, Sync)",
                "upload=BucketFunction { parameter: 0, name: \"bucket_name\" }",
            ]
        );
    });
}

#[test]
fn unresolved_s3_looking_calls_are_kept() {
    let text = "import boto3\ndef f(client):\n    client.put_object(Bucket='b', Key='k', Body=b'')\n    client.append(1)\n";
    with_model(text, &none(), |model, text| {
        assert!(calls(model, text).is_empty());
        let found: Vec<&str> = model.unresolved.iter().map(|call| call.operation).collect();
        assert_eq!(found, ["put_object"]);
    });
}

// ----- consumers -----

#[test]
fn how_each_response_is_consumed() {
    let text = "\
import json
import boto3
s3 = boto3.client('s3')
def a():
    return s3.get_object(Bucket='b', Key='k')['Body'].read().decode('utf-8')
def b():
    return json.load(s3.get_object(Bucket='b', Key='k')['Body'])
def c():
    r = s3.list_objects_v2(Bucket='b', Prefix='p')
    for obj in r.get('Contents', []):
        print(obj['Key'])
def d():
    s3.delete_object(Bucket='b', Key='k')
";
    with_model(text, &none(), |model, text| {
        let shapes: Vec<String> = model
            .calls
            .iter()
            .map(|call| {
                let accesses: Vec<String> = call
                    .consumer
                    .accesses
                    .iter()
                    .map(|access| match access {
                        Access::Attribute(name) => format!(".{name}"),
                        Access::Index(_) => format!("[{}]", access.key().unwrap_or("?")),
                        Access::Call(_) => "()".to_owned(),
                        Access::Await => "await".to_owned(),
                    })
                    .collect();
                let context = match call.consumer.context {
                    Context::Returned => "returned".to_owned(),
                    Context::Argument { call: outer, .. } => format!("argument of {}", &text[outer.func.range()]),
                    Context::Assigned { .. } => "assigned".to_owned(),
                    Context::Statement => "statement".to_owned(),
                    other => format!("{other:?}"),
                };
                format!("{} {} {context} bound={}", call.operation, accesses.join(""), call.consumer.bound.is_some())
            })
            .collect();
        assert_eq!(
            shapes,
            [
                "get_object [Body].read().decode() returned bound=false",
                "get_object [Body] argument of json.load bound=false",
                "list_objects_v2  assigned bound=true",
                "delete_object  statement bound=false",
            ]
        );
        // The bound response's reads are its symbol's uses, each with its own chain.
        let bound = model.calls[2].consumer.bound.unwrap();
        let reads: Vec<&str> = model.scopes.symbol(bound).uses.iter().map(|&id| &text[model.use_(id).chain.range()]).collect();
        assert_eq!(reads, ["r.get('Contents', [])"]);
        assert_eq!(model.calls[0].function.map(|id| model.function(id).def.name.as_str()), Some("a"));
    });
}

// ----- try statements -----

#[test]
fn tries_know_the_calls_they_guard_and_what_they_catch() {
    let text = "\
import boto3
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from utils import s3_utils
s3 = boto3.client('s3')
sqs = boto3.client('sqs')
def helper():
    return s3.head_object(Bucket='b', Key='k')
def a():
    try:
        r = s3.get_object(Bucket='b', Key='k')
        helper()
    except s3.exceptions.NoSuchKey:
        return None
    except (ClientError, ValueError) as e:
        if e.response['Error']['Code'] == '404':
            return None
        code = e.response.get('Error', {}).get('Code')
        raise
    except NoCredentialsError:
        raise
def b():
    try:
        sqs.send_message(QueueUrl='q', MessageBody='x')
    except ClientError:
        pass
def c():
    try:
        s3_utils.read_json('k')
    except Exception:
        pass
def test_missing():
    with pytest.raises(ClientError):
        s3.get_object(Bucket='b', Key='missing')
";
    with_model(text, &none(), |model, text| {
        let described: Vec<String> = model
            .tries
            .iter()
            .map(|block| {
                let guarded: Vec<String> = block.calls.iter().map(|&index| format!("{}:{}", line(text, model.calls[index].call.range()), model.calls[index].operation)).collect();
                let handlers: Vec<String> = block
                    .handlers
                    .iter()
                    .map(|handler| {
                        let reads: Vec<String> = handler.reads.iter().map(|read| read.keys.join(".")).collect();
                        format!("{:?}{}", handler.caught, if reads.is_empty() { String::new() } else { format!(" reads {}", reads.join(",")) })
                    })
                    .collect();
                format!(
                    "{} calls [{}] storage {} services {} | {}",
                    line(text, block.range()),
                    guarded.join(" "),
                    block.storage_calls.len(),
                    block.service_calls.len(),
                    handlers.join(" | ")
                )
            })
            .collect();
        assert_eq!(
            described,
            [
                "10 calls [8:head_object 11:get_object] storage 0 services 0 | [Modeled(\"NoSuchKey\")] | [ClientError, Other] reads Error.Code,Error.Code | [Botocore(\"NoCredentialsError\")]",
                "23 calls [] storage 0 services 1 | [ClientError]",
                "28 calls [] storage 1 services 0 | [Broad]",
                "33 calls [34:get_object] storage 0 services 0 | [ClientError]",
            ]
        );
    });
}

// ----- buckets -----

#[test]
fn bucket_literals_and_how_they_are_used() {
    let text = "\
import os
import boto3
from typing import Literal as L
s3 = boto3.client('s3')
UPLOADS = 'anantra-lms-store'
S3_BUCKET = 'anantra-lms-store'
__tablename__ = 'anantra-lms-store'
def put(key, where='anantra-lms-store'):
    s3.put_object(Bucket='anantra-lms-store', Key=key, Body=b'')
    s3.put_object(Bucket=UPLOADS, Key=key, Body=b'')
    s3.put_object(Bucket=where, Key=key, Body=b'')
    s3.upload_file('f', 'anantra-lms-store', key)
    s3.generate_presigned_url('get_object', Params={'Bucket': 'anantra-lms-store', 'Key': key})
    os.getenv('DATA_BUCKET', 'anantra-lms-store')
    spark.read(f's3://anantra-lms-store/{key}')
    log(f'https://anantra-lms-store.s3.amazonaws.com/{key}')
    tags = ['anantra-lms-store']
    kind: L['anantra-lms-store'] = 'x'
    print(f\"{'anantra-lms-store'=}\")
    route(prefix='/anantra-lms-store')
    config = {'bucket': 'anantra-lms-store'}
    if bucket == 'anantra-lms-store':
        pass
    match key:
        case 'anantra-lms-store':
            pass
";
    with_model(text, &none(), |model, text| {
        assert_eq!(
            buckets(model, text),
            [
                "5:flows:UPLOADS",
                "6:named:S3_BUCKET",
                "7:unknown",
                "8:flows:where",
                "9:argument",
                "12:argument",
                "13:argument",
                "14:env:DATA_BUCKET",
                "15:s3uri",
                "16:urlhost",
                "17:unknown",
                "18:unknown blocked:LiteralType",
                "19:unknown blocked:DebugFString",
                "20:unknown",
                "21:named:bucket",
                "22:named:bucket",
                "25:unknown blocked:MatchPattern",
            ]
        );
    });
}

#[test]
fn storage_functions_take_buckets_through_their_exports() {
    let mut exports = ExportTable::new();
    exports.insert(STORAGE.to_owned(), ModuleExports { names: [("upload_file_to_s3".to_owned(), Export::BucketFunction { parameter: 0, name: "bucket_name".to_owned() })].into() });
    let text = "from utils import s3_utils\nfrom utils.s3_utils import upload_file_to_s3\ns3_utils.upload_file_to_s3('anantra-lms-store', 'k', 'v')\nupload_file_to_s3(bucket_name='anantra-lms-store')\nupload_file_to_s3('k', 'anantra-lms-store')\n";
    with_model(text, &exports, |model, text| {
        assert_eq!(buckets(model, text), ["3:argument", "4:argument", "5:unknown"]);
    });
}

#[test]
fn s3fs_paths_are_s3_but_not_buckets_to_rewrite() {
    let text = "import s3fs\nfs = s3fs.S3FileSystem()\nfs.glob('anantra-lms-store/data/*.parquet')\n";
    with_model(text, &none(), |model, text| {
        assert_eq!(calls(model, text), ["3:glob FileSystem"]);
        assert_eq!(buckets(model, text), ["3:s3fspath"]);
    });
}
