//! tessera's `DType` and Zarr's data types: names for both format versions and fill values.

use serde_json::{json, Value};
use tessera_chunk_core::DType;
use zarrs::array::data_type as zdt;
use zarrs::array::DataType;

/// The tessera dtype of a Zarr data type, if tessera can hold it.
pub(crate) fn from_zarr(dt: &DataType) -> Option<DType> {
    let found = if dt.is::<zdt::BoolDataType>() {
        DType::Bool
    } else if dt.is::<zdt::Int8DataType>() {
        DType::I8
    } else if dt.is::<zdt::Int16DataType>() {
        DType::I16
    } else if dt.is::<zdt::Int32DataType>() {
        DType::I32
    } else if dt.is::<zdt::Int64DataType>() {
        DType::I64
    } else if dt.is::<zdt::UInt8DataType>() {
        DType::U8
    } else if dt.is::<zdt::UInt16DataType>() {
        DType::U16
    } else if dt.is::<zdt::UInt32DataType>() {
        DType::U32
    } else if dt.is::<zdt::UInt64DataType>() {
        DType::U64
    } else if dt.is::<zdt::Float16DataType>() {
        DType::F16
    } else if dt.is::<zdt::Float32DataType>() {
        DType::F32
    } else if dt.is::<zdt::Float64DataType>() {
        DType::F64
    } else if dt.is::<zdt::Complex64DataType>() || dt.is::<zdt::ComplexFloat32DataType>() {
        DType::Complex64
    } else if dt.is::<zdt::Complex128DataType>() || dt.is::<zdt::ComplexFloat64DataType>() {
        DType::Complex128
    } else {
        return None;
    };
    Some(found)
}

/// The Zarr v3 `data_type` name (NumPy's name), or `None` for `object`.
pub(crate) fn v3_name(dtype: DType) -> Option<&'static str> {
    dtype.is_array_type().then(|| dtype.name())
}

/// The Zarr v2 `dtype` string (NumPy's typestr, little-endian), or `None` for `object`.
pub(crate) fn v2_name(dtype: DType) -> Option<&'static str> {
    Some(match dtype {
        DType::Bool => "|b1",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::U8 => "|u1",
        DType::U16 => "<u2",
        DType::U32 => "<u4",
        DType::U64 => "<u8",
        DType::F16 => "<f2",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::Complex64 => "<c8",
        DType::Complex128 => "<c16",
        DType::Object => return None,
    })
}

/// The zero fill value as JSON, as zarr-python writes it for the dtype.
pub(crate) fn zero_fill(dtype: DType) -> Value {
    match dtype.kind() {
        'b' => json!(false),
        'f' => json!(0.0),
        'c' => json!([0.0, 0.0]),
        _ => json!(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_array_dtype_has_names_and_round_trips() {
        for d in DType::ALL.into_iter().filter(|d| d.is_array_type()) {
            let name = v3_name(d).unwrap();
            let dt = DataType::from_metadata(&zarrs::metadata::v3::MetadataV3::new(name)).unwrap();
            assert_eq!(from_zarr(&dt), Some(d), "{name}");
            assert!(v2_name(d).is_some());
        }
        assert_eq!(v3_name(DType::F16), Some("float16"));
        assert_eq!(v2_name(DType::F16), Some("<f2"));
        assert_eq!(v3_name(DType::Object), None);
        assert_eq!(v2_name(DType::Object), None);
    }
}
