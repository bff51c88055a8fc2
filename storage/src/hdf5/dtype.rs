//! HDF5 datatypes ↔ tessera dtypes, as h5py maps them to NumPy.

use ::hdf5::types::{CompoundType, FloatSize, IntSize, TypeDescriptor};
use ::hdf5::Dataset;
use tessera_chunk_core::DType;

use crate::error::{Error, Result};

/// The tessera dtype of a dataset's elements; an error naming the HDF5 type
/// for types tessera cannot hold (strings, other enums and compounds, …).
pub(super) fn dtype_of(path: &str, ds: &Dataset) -> Result<DType> {
    let unsupported = |dtype: String| Error::UnsupportedDType {
        path: path.to_string(),
        dtype,
    };
    let datatype = ds
        .dtype()
        .map_err(|e| unsupported(format!("unreadable ({e})")))?;
    let descriptor = datatype.to_descriptor().map_err(|e| {
        unsupported(format!(
            "an HDF5 type of {} bytes this driver cannot describe ({e})",
            datatype.size()
        ))
    })?;
    from_descriptor(&descriptor).ok_or_else(|| unsupported(format!("HDF5 {descriptor}")))
}

/// h5py's mapping: bool is an `int8` enum `{FALSE: 0, TRUE: 1}`, complex is a
/// compound `{r, i}` of two floats; integers and floats of either byte order.
fn from_descriptor(t: &TypeDescriptor) -> Option<DType> {
    Some(match t {
        TypeDescriptor::Boolean => DType::Bool,
        TypeDescriptor::Integer(size) => match size {
            IntSize::U1 => DType::I8,
            IntSize::U2 => DType::I16,
            IntSize::U4 => DType::I32,
            IntSize::U8 => DType::I64,
        },
        TypeDescriptor::Unsigned(size) => match size {
            IntSize::U1 => DType::U8,
            IntSize::U2 => DType::U16,
            IntSize::U4 => DType::U32,
            IntSize::U8 => DType::U64,
        },
        TypeDescriptor::Float(FloatSize::U2) => DType::F16,
        TypeDescriptor::Float(FloatSize::U4) => DType::F32,
        TypeDescriptor::Float(FloatSize::U8) => DType::F64,
        TypeDescriptor::Compound(c) => complex(c)?,
        _ => return None,
    })
}

/// `Complex64`/`Complex128` for h5py's complex layout, `None` for any other compound.
fn complex(c: &CompoundType) -> Option<DType> {
    let [r, i] = c.fields.as_slice() else {
        return None;
    };
    if r.name != "r" || i.name != "i" || r.ty != i.ty || r.offset != 0 {
        return None;
    }
    match r.ty {
        TypeDescriptor::Float(FloatSize::U4) if i.offset == 4 => Some(DType::Complex64),
        TypeDescriptor::Float(FloatSize::U8) if i.offset == 8 => Some(DType::Complex128),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::hdf5::types::EnumType;

    #[test]
    fn h5py_types_map_to_numpy_names() {
        assert_eq!(from_descriptor(&TypeDescriptor::Boolean), Some(DType::Bool));
        assert_eq!(
            from_descriptor(&TypeDescriptor::Unsigned(IntSize::U2)),
            Some(DType::U16)
        );
        assert_eq!(
            from_descriptor(&TypeDescriptor::Float(FloatSize::U4)),
            Some(DType::F32)
        );
        assert_eq!(
            from_descriptor(&TypeDescriptor::Float(FloatSize::U2)),
            Some(DType::F16)
        );
        let other_enum = TypeDescriptor::Enum(EnumType {
            size: IntSize::U1,
            signed: true,
            members: Vec::new(),
        });
        assert_eq!(from_descriptor(&other_enum), None);
        assert_eq!(from_descriptor(&TypeDescriptor::VarLenUnicode), None);
    }
}
