//! Bad input to `blockwise`, `map_blocks` and `einsum`: each is a typed
//! error whose message says what was wrong and what would be right (a build
//! error through `check()`, a kernel's wrong output through `compute()`).

use std::sync::Arc;

use ndarray::Axis;
use tessera::{
    AdjustChunks, Array, Block, BlockwiseOptions, Element, KernelError, MapBlocksOptions,
};

mod common;

tessera::worker_test!();

/// The message of the error met building `x` (there must be one).
fn msg<T: Element>(x: Array<T>) -> String {
    err(x.check())
}

/// The message of the error `r` must be.
fn err<T>(r: tessera::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn first_block(b: &[Block]) -> Result<Block, KernelError> {
    b.first()
        .cloned()
        .ok_or_else(|| KernelError::new("no block"))
}

/// The message of the error met building `blockwise` of `operands` into `out`.
fn blockwise_msg(out: &str, operands: &[(&dyn tessera::Operand, &str)]) -> String {
    msg(tessera::blockwise_fn::<f64>(
        first_block,
        out,
        operands,
        &BlockwiseOptions::default(),
    ))
}

#[test]
fn bad_blockwise_indices_say_what_is_wrong() {
    let a = tessera::ones::<f64>([4, 6], 2);
    let b = tessera::ones::<f64>([5, 3], 2);
    let e = blockwise_msg("ik", &[(&a, "ij")]);
    assert!(
        e.contains("unknown index 'k'") && e.contains("new axis"),
        "{e}"
    );
    let e = blockwise_msg("ii", &[(&a, "ij")]);
    assert!(e.contains("'i' appears twice in the output"), "{e}");
    let e = blockwise_msg("ij", &[(&a, "ijk")]);
    assert!(
        e.contains("input 0 has 2 dimensions") && e.contains("names 3"),
        "{e}"
    );
    let e = blockwise_msg("ik", &[(&a, "ij"), (&b, "jk")]);
    assert!(
        e.contains("index 'j' has length 6 in input 0 (axis 1) but 5 in input 1 (axis 0)"),
        "{e}"
    );
    let e = blockwise_msg("", &[(&a, "jj")]);
    assert!(e.contains("repeated in input 0 and contracted"), "{e}");
    let adjust = BlockwiseOptions {
        adjust_chunks: vec![('i', AdjustChunks::Blocks(vec![1, 1, 1]))],
        ..Default::default()
    };
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ij",
        &[(&a, "ij")],
        &adjust,
    ));
    assert!(
        e.contains("has 2 blocks, adjust_chunks specified with 3"),
        "{e}"
    );
    let adjust = BlockwiseOptions {
        adjust_chunks: vec![('q', AdjustChunks::Each(1))],
        ..Default::default()
    };
    let e = msg(tessera::blockwise_fn::<f64>(
        first_block,
        "ij",
        &[(&a, "ij")],
        &adjust,
    ));
    assert!(e.contains("adjust_chunks names index 'q'"), "{e}");
    for new_axes in [
        vec![('j', vec![2])],
        vec![('z', vec![])],
        vec![('y', vec![2])],
    ] {
        let opts = BlockwiseOptions {
            new_axes,
            ..Default::default()
        };
        let e = msg(tessera::blockwise_fn::<f64>(
            first_block,
            "ijz",
            &[(&a, "ij")],
            &opts,
        ));
        assert!(e.contains("new axis"), "{e}");
    }
    // The kernel's dtype is the declared one: a mismatch is a compute error, not a panic.
    let y = tessera::blockwise_fn::<i32>(
        first_block,
        "ij",
        &[(&a, "ij")],
        &BlockwiseOptions::default(),
    );
    assert!(y.compute().is_err());
}

#[test]
fn bad_map_blocks_axes_say_what_is_wrong() {
    let x = tessera::ones::<f64>([4, 6], 2);
    let id = |b: ndarray::ArrayViewD<'_, f64>| b.to_owned();
    let opts = |drop: Vec<i64>, new: Option<Vec<usize>>, chunks: Option<Vec<AdjustChunks>>| {
        MapBlocksOptions {
            drop_axis: drop,
            new_axis: new,
            chunks,
        }
    };
    let e = msg(x.map_blocks_with(id, &opts(vec![2], None, None)));
    assert!(
        e.contains("drop_axis 2 is out of range") && e.contains("-2 to 1"),
        "{e}"
    );
    let e = msg(x.map_blocks_with(id, &opts(vec![-3], None, None)));
    assert!(e.contains("drop_axis -3"), "{e}");
    let e = msg(x.map_blocks_with(id, &opts(vec![], Some(vec![3]), None)));
    assert!(
        e.contains("new_axis 3 is out of range") && e.contains("0 to 2"),
        "{e}"
    );
    let e = msg(x.map_blocks_with(id, &opts(vec![], Some(vec![1, 1]), None)));
    assert!(e.contains("given twice"), "{e}");
    let e = msg(x.map_blocks_with(id, &opts(vec![], None, Some(vec![AdjustChunks::Each(1)]))));
    assert!(e.contains("chunks have 1 dimensions; expected 2"), "{e}");
    let map = AdjustChunks::Map(Arc::new(|c| c));
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            Some(vec![0]),
            Some(vec![map, AdjustChunks::Each(2), AdjustChunks::Each(2)]),
        ),
    ));
    assert!(e.contains("new axis 0 must be lengths"), "{e}");
    let empty = AdjustChunks::Blocks(vec![]);
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            Some(vec![2]),
            Some(vec![AdjustChunks::Each(2), AdjustChunks::Each(2), empty]),
        ),
    ));
    assert!(e.contains("new axis 2 has no chunks"), "{e}");
    let e = msg(x.map_blocks_with(
        id,
        &opts(
            vec![],
            None,
            Some(vec![AdjustChunks::Blocks(vec![1]), AdjustChunks::Each(2)]),
        ),
    ));
    assert!(
        e.contains("has 2 blocks, adjust_chunks specified with 1"),
        "{e}"
    );
    // A closure that returns the wrong rank fails the computation with a message.
    let y = x.map_blocks_with(|b| b.to_owned(), &opts(vec![1], None, None));
    let e = err(y.compute());
    assert!(
        e.contains("returned a 2-d block") && e.contains("1-d output"),
        "{e}"
    );
    // Dask's implicit leading new axes: more chunks than output axes.
    let z = x.map_blocks_with(
        |b| b.to_owned().insert_axis(Axis(0)),
        &opts(
            vec![],
            None,
            Some(vec![
                AdjustChunks::Each(1),
                AdjustChunks::Each(2),
                AdjustChunks::Each(2),
            ]),
        ),
    );
    assert_eq!(z.chunks().axes(), &[vec![1], vec![2, 2], vec![2, 2, 2]]);
    assert_eq!(z.compute().unwrap().sum(), 24.0);
}

#[test]
fn bad_einsum_input_says_what_is_wrong() {
    let a = tessera::ones::<f64>([4, 6], 2);
    let b = tessera::ones::<f64>([5, 3], 2);
    let e = msg(tessera::einsum::<f64>("ij,jk->ik", &[&a]));
    assert!(e.contains("2 operand terms but 1 operands"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij,jk->ik", &[&a, &b]));
    assert!(
        e.contains("index 'j' has length 6 in operand 0 (axis 1) but 5 in operand 1 (axis 0)"),
        "{e}"
    );
    let e = msg(tessera::einsum::<f64>("ijk->i", &[&a]));
    assert!(e.contains("operand 0 has 2 dimensions"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->q", &[&a]));
    assert!(e.contains("'q'") && e.contains("does not appear"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->jj", &[&a]));
    assert!(e.contains("more than once"), "{e}");
    let e = msg(tessera::einsum::<f64>("i$->i", &[&a]));
    assert!(e.contains("'$'"), "{e}");
    let e = msg(tessera::einsum::<f64>("...->", &[&a]));
    assert!(e.contains("ellipses"), "{e}");
    let e = msg(tessera::einsum::<f64>("", &[]));
    assert!(e.contains("no operands"), "{e}");
    let e = msg(tessera::einsum::<f32>("ij->i", &[&a]));
    assert!(e.contains("float64") && e.contains("float32"), "{e}");
    let e = msg(tessera::einsum::<f64>("ij->i->j", &[&a]));
    assert!(e.contains("one '->'"), "{e}");
}
