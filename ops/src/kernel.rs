//! What every kernel type shares, written once: its id (a `const`, declared
//! with [`kernel_id!`]), its parameters as JSON and its id inside `impl Kernel`
//! ([`json_kernel!`]), the arity check ([`exactly`]), the registry entry that
//! rebuilds it ([`entry`]), and the `as_any` of task builders ([`as_any!`]).
//! Families import this file; it imports no family, so no import loop runs
//! through it.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError, KernelErrorKind, KernelRef, Key, Params};

/// Rebuilds a kernel from its JSON parameters.
pub type KernelConstructor = fn(&str) -> Result<KernelRef, KernelError>;

/// One registry entry: a kernel id and how to rebuild that kernel.
pub type KernelEntry = (&'static str, KernelConstructor);

/// A kernel type's stable id, declared once (it travels to worker processes
/// and plugins, so it never changes).
pub trait KernelId {
    /// The id `Kernel::id` returns and the registry files the type under.
    const ID: &'static str;
}

/// What a task builder returns for one block: its kernel and dependency keys.
pub(crate) type BlockTask = tessera_graph::Result<(KernelRef, Vec<Key>)>;

/// The registry entry of a kernel type rebuilt from its JSON parameters.
pub(crate) fn entry<K: KernelId + Kernel + DeserializeOwned + 'static>() -> KernelEntry {
    (K::ID, from_json::<K>)
}

/// Rebuild a kernel of type `K` from its JSON parameters.
pub(crate) fn from_json<K: Kernel + DeserializeOwned + 'static>(
    json: &str,
) -> Result<KernelRef, KernelError> {
    serde_json::from_str::<K>(json)
        .map(|k| Arc::new(k) as KernelRef)
        .map_err(|e| {
            KernelError::of(
                KernelErrorKind::Rebuild,
                format!("bad kernel parameters: {e}"),
            )
        })
}

/// Serialise a kernel's parameters to JSON for `Kernel::params`.
pub(crate) fn json_params<T: serde::Serialize>(p: &T) -> Params {
    match serde_json::to_string(p) {
        Ok(s) => Params::Json(s),
        // Every kernel parameter type is plain data; this is unreachable in practice.
        Err(_) => Params::InProcessOnly,
    }
}

/// The error for a kernel given the wrong number of inputs.
pub(crate) fn arity(id: &str, want: usize, got: usize) -> KernelError {
    KernelError::of(
        KernelErrorKind::Inputs,
        format!("{id} takes {want} input blocks, got {got}"),
    )
}

/// The inputs of a kernel that takes exactly `N` blocks, or the arity error.
pub(crate) fn exactly<'a, const N: usize>(
    id: &str,
    inputs: &'a [Block],
) -> Result<&'a [Block; N], KernelError> {
    inputs.try_into().map_err(|_| arity(id, N, inputs.len()))
}

/// Declare a kernel type's id once: `kernel_id!(Full, "tessera.full");`.
macro_rules! kernel_id {
    ($ty:ty, $id:literal) => {
        impl $crate::kernel::KernelId for $ty {
            const ID: &'static str = $id;
        }
    };
}

/// Inside `impl Kernel for T`: `id` from T's [`KernelId`] and, unless told
/// `id_only`, `params` as T serialised to JSON; `pointwise` adds the row
/// tiling of elementwise kernels.
macro_rules! json_kernel {
    () => {
        $crate::kernel::json_kernel!(id_only);
        fn params(&self) -> tessera_graph::Params {
            $crate::kernel::json_params(self)
        }
    };
    (pointwise) => {
        $crate::kernel::json_kernel!();
        fn row_tiling(&self) -> tessera_graph::RowTiling {
            tessera_graph::RowTiling::Pointwise
        }
    };
    (id_only) => {
        fn id(&self) -> &str {
            <Self as $crate::kernel::KernelId>::ID
        }
    };
}

/// Inside `impl BlockTasks for T`: the `as_any` passes downcast through.
macro_rules! as_any {
    () => {
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    };
}

pub(crate) use {as_any, json_kernel, kernel_id};
