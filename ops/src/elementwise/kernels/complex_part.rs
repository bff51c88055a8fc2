//! `ComplexPart`: the real part, the imaginary part or the conjugate of a
//! block (the Array API's `real`, `imag`, `conj`).

use ndarray::{ArcArray, IxDyn};
use serde::{Deserialize, Serialize};
use tessera_chunk_core::num_complex::Complex;
use tessera_chunk_core::Block;
use tessera_graph::{Kernel, KernelError};

/// Which part of each element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    /// `real(z)`: the real dtype of the same width.
    Real,
    /// `imag(z)`: the real dtype of the same width.
    Imag,
    /// `conj(z)`: the same complex dtype.
    Conj,
}

impl Part {
    /// The Array API's name.
    pub fn label(self) -> &'static str {
        match self {
            Part::Real => "real",
            Part::Imag => "imag",
            Part::Conj => "conj",
        }
    }
}

/// Take `part` of every element of a complex block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComplexPart {
    /// Which part.
    pub part: Part,
}

crate::kernel::kernel_id!(ComplexPart, "tessera.complex_part");

/// `part` of a block of `Complex<$t>`, for `f32` and `f64`.
macro_rules! part_of {
    ($name:ident, $t:ty) => {
        fn $name(part: Part, z: &ArcArray<Complex<$t>, IxDyn>) -> Block {
            match part {
                Part::Real => Block::from_array(z.mapv(|v| v.re)),
                Part::Imag => Block::from_array(z.mapv(|v| v.im)),
                Part::Conj => Block::from_array(z.mapv(|v| v.conj())),
            }
        }
    };
}

part_of!(part_of_complex64, f32);
part_of!(part_of_complex128, f64);

impl Kernel for ComplexPart {
    crate::kernel::json_kernel!(pointwise);
    fn run(&self, inputs: &[Block]) -> Result<Block, KernelError> {
        let [a] = crate::kernel::exactly(self.id(), inputs)?;
        match a {
            Block::Complex64(z) => Ok(part_of_complex64(self.part, z)),
            Block::Complex128(z) => Ok(part_of_complex128(self.part, z)),
            other => Err(KernelError::new(format!(
                "{} takes complex blocks, got {}",
                self.part.label(),
                other.dtype()
            ))),
        }
    }
}
