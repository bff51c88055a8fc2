//! The wire format between the parent and its worker processes: length-framed
//! messages of a few fixed fields. Hand-rolled rather than serde because a
//! message is a handful of integers and byte strings, and per-task overhead is
//! what a process pool is judged by.

mod codec;
mod payload;

use std::path::PathBuf;

use tessera_graph::{Arg, EncodedSource, KernelErrorKind, Params};

pub(crate) use codec::{read_reply, read_request, send};
pub(crate) use payload::{discard, from_payload, shm_dir, to_payload, SHM_THRESHOLD};

/// A block's bytes ([`Block::encode`]) travelling inline or as a shared-memory file.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// Small blocks: the encoded bytes in the message.
    Inline(Vec<u8>),
    /// Large blocks: a file in `/dev/shm` holding the encoded bytes.
    Shm(PathBuf),
}

/// Where a task's input comes from.
#[derive(Debug, Clone)]
pub(crate) enum Input {
    /// A result this worker holds.
    Local(u64),
    /// A result this worker holds, read for the last time: taken out of the
    /// worker's results, so the kernel may reuse its memory.
    LocalLast(u64),
    /// Bytes from elsewhere.
    Remote(Payload),
    /// Bytes from elsewhere, read for the last time: the worker removes a
    /// shared-memory file once it has read it (so the copy does not linger).
    RemoteLast(Payload),
    /// A cheap source dropped under the memory budget: run `kernel` (no
    /// inputs) here to make it again; `task` is named if that fails.
    Recompute { task: u64, kernel: KernelSpec },
    /// A block spilled to this file; read, not removed (the parent's spill
    /// directory removes it after its last reader).
    Spilled(PathBuf),
}

/// A kernel as it travels: an id with parameters, or a fused chain of such
/// steps (its own `Params` cannot carry steps whose parameters are blocks).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KernelSpec {
    /// A registered kernel.
    Plain { id: String, params: Params },
    /// `tessera_graph::Fused` of these steps.
    Fused(Vec<(KernelSpec, Vec<Arg>, String)>),
}

impl KernelSpec {
    /// The spec of `kernel`, or the id of the (innermost) kernel that cannot travel.
    pub(crate) fn of(kernel: &dyn tessera_graph::Kernel) -> Result<KernelSpec, String> {
        if let Some(steps) = kernel.fused_steps() {
            return steps
                .iter()
                .map(|s| {
                    Ok((
                        KernelSpec::of(s.kernel.as_ref())?,
                        s.args.clone(),
                        s.label.clone(),
                    ))
                })
                .collect::<Result<Vec<_>, String>>()
                .map(KernelSpec::Fused);
        }
        match kernel.params() {
            Params::InProcessOnly => Err(kernel.id().to_string()),
            params => Ok(KernelSpec::Plain {
                id: kernel.id().to_string(),
                params,
            }),
        }
    }
}

/// Parent → worker.
#[derive(Debug)]
pub(crate) enum Request {
    /// Run a task and keep its result under `task`.
    Run {
        task: u64,
        kernel: KernelSpec,
        inputs: Vec<Input>,
    },
    /// Send the result of `task` back.
    Fetch { task: u64 },
    /// Forget the result of `task`.
    Release { task: u64 },
    /// Forget every result.
    Clear,
    /// Write the result of `task` to the file `path`, forget it, and say so
    /// (the parent made room for other work by spilling it).
    Spill { task: u64, path: PathBuf },
    /// Give memory freed so far back to the system (the pool is near its budget).
    Trim,
}

/// A task that failed or panicked: the kernel error's kind, message and
/// typed source (encoded by the registered codec, when it knew the type).
#[derive(Debug)]
pub(crate) struct Failure {
    pub task: u64,
    pub panicked: bool,
    pub kind: KernelErrorKind,
    pub message: String,
    pub source: Option<EncodedSource>,
}

impl Failure {
    /// The scheduler's error for this failure of the task `key`.
    pub fn into_error(self, key: tessera_graph::Key) -> crate::Error {
        if self.panicked {
            return crate::Error::TaskPanicked {
                key,
                message: self.message,
            };
        }
        let source = self
            .source
            .map(|s| std::sync::Arc::new(s) as tessera_graph::ErrorSource);
        crate::Error::TaskFailed {
            key,
            error: tessera_graph::KernelError {
                kind: self.kind,
                message: self.message,
                source,
            },
        }
    }
}

/// Worker → parent.
#[derive(Debug)]
pub(crate) enum Reply {
    /// The worker is up and serving.
    Hello { pid: u32 },
    /// A task finished; its result (`nbytes` of data) stays in the worker.
    Done { task: u64, nbytes: u64 },
    /// A task failed or panicked.
    Failed(Failure),
    /// The answer to a `Fetch`.
    Data { task: u64, payload: Payload },
    /// A `Fetch` or `Spill` the worker could not answer.
    Missing { task: u64, message: String },
    /// The answer to a `Spill`: the file is written.
    Spilled { task: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;
    use tessera_chunk_core::Block;

    #[test]
    fn requests_and_replies_round_trip() {
        let r = Request::Run {
            task: 7,
            kernel: KernelSpec::Fused(vec![
                (
                    KernelSpec::Plain {
                        id: "k".into(),
                        params: Params::Json("[1]".into()),
                    },
                    vec![Arg::Input(0)],
                    "a".into(),
                ),
                (
                    KernelSpec::Plain {
                        id: "lit".into(),
                        params: Params::Block(Block::from_array(ArrayD::from_elem(vec![2], 1u8))),
                    },
                    vec![Arg::Step(0), Arg::Input(1)],
                    "b".into(),
                ),
            ]),
            inputs: vec![
                Input::Local(3),
                Input::Remote(Payload::Inline(vec![1, 2])),
                Input::Remote(Payload::Shm("/dev/shm/x".into())),
                Input::Recompute {
                    task: 2,
                    kernel: KernelSpec::Plain {
                        id: "src".into(),
                        params: Params::Json("{}".into()),
                    },
                },
                Input::Spilled("/tmp/spill/4.tsb".into()),
                Input::RemoteLast(Payload::Shm("/dev/shm/y".into())),
                Input::LocalLast(8),
            ],
        };
        let frame = r.encode().unwrap();
        let back = read_request(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{r:?}"));
        let sp = Request::Spill {
            task: 5,
            path: "/tmp/spill/1.tsb".into(),
        };
        for req in [sp, Request::Trim] {
            let frame = req.encode().unwrap();
            let back = read_request(&mut &frame[..]).unwrap().unwrap();
            assert_eq!(format!("{back:?}"), format!("{req:?}"));
        }
        let done = Reply::Spilled { task: 5 };
        let frame = done.encode().unwrap();
        let back = read_reply(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{done:?}"));
        let f = Reply::Failed(Failure {
            task: 9,
            panicked: true,
            kind: KernelErrorKind::Other,
            message: "boom".into(),
            source: None,
        });
        let frame = f.encode().unwrap();
        let back = read_reply(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{f:?}"));
        // A kernel error's kind and encoded typed source travel whole.
        let typed = Reply::Failed(Failure {
            task: 3,
            panicked: false,
            kind: KernelErrorKind::Storage,
            message: "chunk [1] of \"a\" cannot be decoded".into(),
            source: Some(EncodedSource {
                tag: "tessera.storage".into(),
                bytes: b"{\"CorruptChunk\":{}}".to_vec(),
                message: "chunk [1] of \"a\" cannot be decoded".into(),
            }),
        });
        let frame = typed.encode().unwrap();
        let back = read_reply(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{typed:?}"));
        assert!(read_reply(&mut &frame[..frame.len() - 1]).is_err());
        assert!(read_reply(&mut &[][..]).unwrap().is_none());
    }

    #[test]
    fn large_blocks_go_through_shared_memory() {
        let big = Block::from_array(ArrayD::from_elem(vec![100, 100], 2.5f64));
        let name = format!("tessera-test-{}", std::process::id());
        let p = to_payload(&big, &name).unwrap();
        assert!(matches!(p, Payload::Shm(_)));
        assert_eq!(from_payload(&p).unwrap(), big);
        discard(&p);
        assert!(from_payload(&p).is_err());
        let small = Block::from_array(ArrayD::from_elem(vec![3], 1i32));
        let p = to_payload(&small, &name).unwrap();
        assert!(matches!(p, Payload::Inline(_)));
        assert_eq!(from_payload(&p).unwrap(), small);
    }
}
