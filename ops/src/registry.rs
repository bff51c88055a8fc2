//! The kernel registry: stable id → constructor from serialised parameters,
//! so a task can be rebuilt in another process or behind a plugin ABI.
//! tessera's own kernels are registered from the start; users register theirs
//! with [`register_kernel`] before computing on a scheduler that moves tasks.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use serde::de::DeserializeOwned;
use tessera_graph::{Kernel, KernelError, KernelErrorKind, KernelRef, Params};

use crate::kernel::from_json;
pub use crate::kernel::KernelConstructor;

/// The id graph's fused kernel answers to (the graph crate owns the type).
const FUSED_ID: &str = "tessera.fused";

fn registry() -> &'static RwLock<HashMap<String, KernelConstructor>> {
    static REGISTRY: OnceLock<RwLock<HashMap<String, KernelConstructor>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // Each family lists its own kernels; the registry only gathers them.
        let families = [
            crate::creation::kernels(),
            crate::elementwise::kernels(),
            crate::indexing::kernels(),
            crate::io::kernels(),
            crate::linalg::kernels(),
            crate::overlap::kernels(),
            crate::random::kernels(),
            crate::rechunk::kernels(),
            crate::reduce::kernels(),
            crate::reshape::kernels(),
            crate::sort::kernels(),
        ];
        let mut map: HashMap<String, KernelConstructor> = families
            .into_iter()
            .flatten()
            .map(|(id, ctor)| (id.to_string(), ctor))
            .collect();
        map.insert(FUSED_ID.into(), fused_from_json);
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
        Params::Block(b) => return Ok(Arc::new(crate::creation::from_array::LiteralBlock(b.clone()))),
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
