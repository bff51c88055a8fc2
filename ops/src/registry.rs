//! The kernel registry: stable id → constructor from serialised parameters,
//! so a task can be rebuilt in another process or behind a plugin ABI.
//! tessera's own kernels are registered from the start; users register theirs
//! with [`register_kernel`] before computing on a scheduler that moves tasks.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde::de::DeserializeOwned;
use tessera_graph::{Kernel, KernelError, KernelErrorKind, KernelRef, Params};

use crate::kernels::{assemble, elementwise, full, random, range, reduce, transpose};

/// Rebuilds a kernel from its JSON parameters.
pub type KernelConstructor = fn(&str) -> Result<KernelRef, KernelError>;

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

fn registry() -> &'static RwLock<HashMap<String, KernelConstructor>> {
    static REGISTRY: OnceLock<RwLock<HashMap<String, KernelConstructor>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let builtins: [(&str, KernelConstructor); 10] = [
            ("tessera.full", from_json::<full::Full>),
            ("tessera.random", from_json::<random::RandomBlock>),
            ("tessera.range", from_json::<range::Range>),
            ("tessera.binary", from_json::<elementwise::Binary>),
            (
                "tessera.binary_scalar",
                from_json::<elementwise::BinaryScalar>,
            ),
            ("tessera.unary", from_json::<elementwise::Unary>),
            ("tessera.cast", from_json::<elementwise::Cast>),
            ("tessera.assemble", from_json::<assemble::Assemble>),
            ("tessera.transpose", from_json::<transpose::Transpose>),
            ("tessera.reduce_chunk", from_json::<reduce::ReduceChunk>),
        ];
        let mut map: HashMap<String, KernelConstructor> = builtins
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        map.extend(
            crate::kernels::reduction_family()
                .into_iter()
                .map(|(id, ctor)| (id.to_string(), ctor)),
        );
        map.insert(
            "tessera.reduce_combine".into(),
            from_json::<reduce::ReduceCombine>,
        );
        map.insert(
            "tessera.reduce_aggregate".into(),
            from_json::<reduce::ReduceAggregate>,
        );
        map.insert("tessera.fused".into(), fused_from_json);
        map.insert("tessera.where".into(), from_json::<elementwise::Where>);
        map.insert(
            "tessera.slice".into(),
            from_json::<crate::kernels::slice::SliceBlock>,
        );
        map.insert(
            "tessera.reshape".into(),
            from_json::<crate::kernels::reshape::Reshape>,
        );
        map.insert(
            "tessera.tensordot".into(),
            from_json::<crate::kernels::linalg::TensordotBlock>,
        );
        map.insert(
            "tessera.overlap".into(),
            from_json::<crate::kernels::overlap::OverlapBlock>,
        );
        map.insert(
            "tessera.take".into(),
            from_json::<crate::kernels::take::TakeBlock>,
        );
        map.insert(
            "tessera.einsum".into(),
            from_json::<crate::kernels::einsum::EinsumBlock>,
        );
        // Store reads and writes reopen their store (on disk) from a locator.
        map.insert(
            "tessera.read_region".into(),
            crate::io::read_region_from_json,
        );
        map.insert(
            "tessera.write_chunk".into(),
            crate::io::write_chunk_from_json,
        );
        map.insert("tessera.opened".into(), crate::io::opened_from_json);
        map.insert(
            "tessera.count_written".into(),
            crate::io::count_written_from_json,
        );
        RwLock::new(map)
    })
}

#[derive(serde::Deserialize)]
struct FusedStep {
    id: String,
    params: String,
    args: Vec<tessera_graph::Arg>,
}

/// A fused kernel's steps travel as `(id, params, args)`; each is rebuilt from the registry.
fn fused_from_json(json: &str) -> Result<KernelRef, KernelError> {
    let steps: Vec<FusedStep> = serde_json::from_str(json).map_err(|e| {
        KernelError::of(
            KernelErrorKind::Rebuild,
            format!("bad fused kernel parameters: {e}"),
        )
    })?;
    let steps = steps
        .into_iter()
        .map(|s| {
            Ok(tessera_graph::Step {
                kernel: rebuild_kernel(&s.id, &Params::Json(s.params))?,
                args: s.args,
                label: s.id,
            })
        })
        .collect::<Result<Vec<_>, KernelError>>()?;
    Ok(Arc::new(tessera_graph::Fused { steps }))
}

/// Register a user kernel type under its id (the id its `Kernel::id` returns).
pub fn register_kernel<K: Kernel + DeserializeOwned + 'static>(id: &str) {
    if let Ok(mut map) = registry().write() {
        map.insert(id.to_string(), from_json::<K>);
    }
}

/// Rebuild a kernel from its id and parameters.
pub fn rebuild_kernel(id: &str, params: &Params) -> Result<KernelRef, KernelError> {
    let json = match params {
        Params::Json(j) => j,
        Params::Block(b) => return Ok(Arc::new(crate::from_array::LiteralBlock(b.clone()))),
        Params::InProcessOnly => {
            return Err(KernelError::of(KernelErrorKind::Rebuild, format!(
                "kernel {id} is an in-process closure and cannot be rebuilt elsewhere; register a named kernel instead"
            )))
        }
    };
    let ctor = registry()
        .read()
        .ok()
        .and_then(|m| m.get(id).copied())
        .ok_or_else(|| {
            KernelError::of(
                KernelErrorKind::Rebuild,
                format!("no kernel registered under id {id:?}; call register_kernel first"),
            )
        })?;
    ctor(json)
}

/// Serialise-and-rebuild a kernel: what a process boundary does to it.
pub fn round_trip(kernel: &KernelRef) -> Result<KernelRef, KernelError> {
    rebuild_kernel(kernel.id(), &kernel.params())
}
