//! Elementwise kernels: the operations as data (`ops.rs`), binary
//! operations with NumPy broadcasting of blocks (`binary.rs`), unary math
//! (`unary.rs`) over the float (`float.rs`) and integer (`int.rs`) element
//! types, casts and `where`.

use ndarray::{ArcArray, ArrayD, IxDyn, Zip};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::broadcast_shapes;
use tessera_chunk_core::{with_block, with_dtype, Block, DType, Element};
use tessera_graph::{Kernel, KernelError};

mod binary;
mod complex_part;
mod complex_special;
mod float;
mod int;
mod ops;
mod unary;

pub use binary::{apply_binary, Binary, BinaryScalar};
pub use complex_part::{ComplexPart, Part};
pub use float::FloatMath;
pub use int::{Bitwise, Integer};
pub use ops::{BinaryClass, BinaryOp, UnaryClass, UnaryOp};
pub use unary::{apply_unary, Unary};

/// Declare an operation kernel: a struct holding one `$op_ty` and its id
/// (the binary and unary kernels are the same shape of data).
macro_rules! op_kernel {
    ($(#[$doc:meta])* $name:ident, $op_ty:ty, $id:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// The operation.
            pub op: $op_ty,
        }

        crate::kernel::kernel_id!($name, $id);
    };
}

use op_kernel;

/// A cast to another dtype, with NumPy's `astype` semantics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cast {
    /// The target dtype.
    pub to: DType,
}

/// Cast a block to another dtype.
pub fn cast_block(block: &Block, to: DType) -> Result<Block, KernelError> {
    if block.dtype() == to {
        return Ok(block.clone());
    }
    with_block!(block, a => with_dtype!(to, U => Ok(Block::from_array(cast_array::<_, U>(a))),
        other => Err(KernelError::new(format!("cannot cast to {other}")))))
}

fn cast_array<T: Element, U: Element>(a: &ArcArray<T, IxDyn>) -> ArrayD<U> {
    // Integers to integers go through i128 so 64-bit values stay exact; the rest through f64.
    match (T::DTYPE.kind(), U::DTYPE.kind()) {
        ('i' | 'u', 'i' | 'u') => a.mapv(|x| {
            let mut b = Vec::with_capacity(8);
            T::write_le(&[x], &mut b);
            let wide = widen(&b, T::DTYPE.kind() == 'i');
            let bytes = wide.to_le_bytes();
            U::read_le(&bytes[..U::DTYPE.itemsize()])
                .first()
                .copied()
                .unwrap_or_default()
        }),
        ('c', _) | (_, 'c') => a.mapv(|x| U::from_complex(x.to_complex())),
        _ => a.mapv(|x| U::from_f64(x.to_f64())),
    }
}

fn widen(le: &[u8], signed: bool) -> i128 {
    let negative = signed && le.last().is_some_and(|b| b & 0x80 != 0);
    let mut wide = if negative { [0xffu8; 16] } else { [0u8; 16] };
    wide[..le.len()].copy_from_slice(le);
    i128::from_le_bytes(wide)
}

crate::kernel::kernel_id!(Cast, "tessera.cast");

impl Kernel for Cast {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        cast_block(a, self.to)
    }
}

/// `where(cond, a, b)`: elements of `a` where `cond` is true, else of `b` (broadcasting).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Where;

fn select<T: Element>(
    c: &ArcArray<bool, IxDyn>,
    a: &ArcArray<T, IxDyn>,
    b: &Block,
) -> Result<Block, KernelError> {
    let b = b.as_array::<T>()?;
    let shape = broadcast_shapes(&[c.shape(), a.shape(), b.shape()])?;
    let bad = || KernelError::new("where: blocks do not broadcast");
    let (cv, av, bv) = (
        c.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
        a.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
        b.broadcast(IxDyn(&shape)).ok_or_else(bad)?,
    );
    Ok(Block::from_array(
        Zip::from(&cv)
            .and(&av)
            .and(&bv)
            .map_collect(|&c, &x, &y| if c { x } else { y }),
    ))
}

crate::kernel::kernel_id!(Where, "tessera.where");

impl Kernel for Where {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [c, a, b] = crate::kernel::exactly(self.id(), inputs)?;
        let c = c.as_array::<bool>()?;
        with_block!(a, x => select(c, x, b))
    }
}
