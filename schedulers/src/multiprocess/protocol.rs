//! The wire format between the parent and its worker processes: length-framed
//! messages of a few fixed fields. Hand-rolled rather than serde because a
//! message is a handful of integers and byte strings, and per-task overhead is
//! what a process pool is judged by.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use tessera_chunk_core::Block;
use tessera_graph::{Arg, EncodedSource, KernelErrorKind, Params};

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

/// Worker → parent.
#[derive(Debug)]
pub(crate) enum Reply {
    /// The worker is up and serving.
    Hello { pid: u32 },
    /// A task finished; its result (`nbytes` of data) stays in the worker.
    Done { task: u64, nbytes: u64 },
    /// A task failed or panicked: the kernel error's kind, message and
    /// typed source (encoded by the registered codec, when it knew the type).
    Failed {
        task: u64,
        panicked: bool,
        kind: KernelErrorKind,
        message: String,
        source: Option<EncodedSource>,
    },
    /// The answer to a `Fetch`.
    Data { task: u64, payload: Payload },
    /// A `Fetch` or `Spill` the worker could not answer.
    Missing { task: u64, message: String },
    /// The answer to a `Spill`: the file is written.
    Spilled { task: u64 },
}

struct Enc(Vec<u8>);

impl Enc {
    fn new(tag: u8) -> Self {
        // Room for the length prefix, filled in by `finish`.
        let mut v = Vec::with_capacity(64);
        v.extend_from_slice(&[0; 4]);
        v.push(tag);
        Enc(v)
    }
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn payload(&mut self, p: &Payload) {
        match p {
            Payload::Inline(b) => {
                self.u8(0);
                self.bytes(b);
            }
            Payload::Shm(path) => {
                self.u8(1);
                self.bytes(path.as_os_str().as_encoded_bytes());
            }
        }
    }
    fn kernel(&mut self, k: &KernelSpec) -> io::Result<()> {
        match k {
            KernelSpec::Plain { id, params } => {
                self.u8(0);
                self.bytes(id.as_bytes());
                match params {
                    Params::Json(j) => {
                        self.u8(0);
                        self.bytes(j.as_bytes());
                    }
                    Params::Block(b) => {
                        self.u8(1);
                        self.bytes(&b.encode());
                    }
                    Params::InProcessOnly => {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            format!("kernel {id} is an in-process closure"),
                        ))
                    }
                }
            }
            KernelSpec::Fused(steps) => {
                self.u8(1);
                self.u64(steps.len() as u64);
                for (spec, args, label) in steps {
                    self.kernel(spec)?;
                    self.bytes(label.as_bytes());
                    self.u64(args.len() as u64);
                    for a in args {
                        match a {
                            Arg::Input(k) => {
                                self.u8(0);
                                self.u64(*k as u64);
                            }
                            Arg::Step(k) => {
                                self.u8(1);
                                self.u64(*k as u64);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
    fn finish(mut self) -> io::Result<Vec<u8>> {
        let len = u32::try_from(self.0.len() - 4).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "message larger than 4 GiB")
        })?;
        self.0[..4].copy_from_slice(&len.to_le_bytes());
        Ok(self.0)
    }
}

struct Dec<'a>(&'a [u8]);

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("malformed message: {what}"),
    )
}

impl Dec<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(bad("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> io::Result<u64> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn bytes(&mut self) -> io::Result<&[u8]> {
        let n = usize::try_from(self.u64()?).map_err(|_| bad("length"))?;
        self.take(n)
    }
    fn string(&mut self) -> io::Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| bad("text is not UTF-8"))
    }
    fn usize(&mut self) -> io::Result<usize> {
        usize::try_from(self.u64()?).map_err(|_| bad("index"))
    }
    fn kernel(&mut self) -> io::Result<KernelSpec> {
        match self.u8()? {
            0 => {
                let id = self.string()?;
                let params = match self.u8()? {
                    0 => Params::Json(self.string()?),
                    1 => Params::Block(
                        Block::decode(self.bytes()?).map_err(|e| bad(&e.to_string()))?,
                    ),
                    _ => return Err(bad("params kind")),
                };
                Ok(KernelSpec::Plain { id, params })
            }
            1 => {
                let n = self.u64()?;
                let mut steps = Vec::new();
                for _ in 0..n {
                    let spec = self.kernel()?;
                    let label = self.string()?;
                    let nargs = self.u64()?;
                    let mut args = Vec::new();
                    for _ in 0..nargs {
                        args.push(match self.u8()? {
                            0 => Arg::Input(self.usize()?),
                            1 => Arg::Step(self.usize()?),
                            _ => return Err(bad("argument kind")),
                        });
                    }
                    steps.push((spec, args, label));
                }
                Ok(KernelSpec::Fused(steps))
            }
            _ => Err(bad("kernel kind")),
        }
    }
    fn payload(&mut self) -> io::Result<Payload> {
        match self.u8()? {
            0 => Ok(Payload::Inline(self.bytes()?.to_vec())),
            1 => Ok(Payload::Shm(PathBuf::from(self.string()?))),
            _ => Err(bad("payload kind")),
        }
    }
}

impl Request {
    /// The framed bytes of this request.
    pub(crate) fn encode(&self) -> io::Result<Vec<u8>> {
        let e = match self {
            Request::Run {
                task,
                kernel,
                inputs,
            } => {
                let mut e = Enc::new(1);
                e.u64(*task);
                e.kernel(kernel)?;
                e.u64(inputs.len() as u64);
                for i in inputs {
                    match i {
                        Input::Local(t) => {
                            e.u8(0);
                            e.u64(*t);
                        }
                        Input::Remote(p) => {
                            e.u8(1);
                            e.payload(p);
                        }
                        Input::RemoteLast(p) => {
                            e.u8(4);
                            e.payload(p);
                        }
                        Input::LocalLast(t) => {
                            e.u8(5);
                            e.u64(*t);
                        }
                        Input::Recompute { task, kernel } => {
                            e.u8(2);
                            e.u64(*task);
                            e.kernel(kernel)?;
                        }
                        Input::Spilled(path) => {
                            e.u8(3);
                            e.bytes(path.as_os_str().as_encoded_bytes());
                        }
                    }
                }
                e
            }
            Request::Fetch { task } => {
                let mut e = Enc::new(2);
                e.u64(*task);
                e
            }
            Request::Release { task } => {
                let mut e = Enc::new(3);
                e.u64(*task);
                e
            }
            Request::Clear => Enc::new(4),
            Request::Spill { task, path } => {
                let mut e = Enc::new(5);
                e.u64(*task);
                e.bytes(path.as_os_str().as_encoded_bytes());
                e
            }
            Request::Trim => Enc::new(6),
        };
        e.finish()
    }

    fn decode(body: &[u8]) -> io::Result<Self> {
        let mut d = Dec(body);
        Ok(match d.u8()? {
            1 => {
                let task = d.u64()?;
                let kernel = d.kernel()?;
                let n = d.u64()?;
                let mut inputs = Vec::new();
                for _ in 0..n {
                    inputs.push(match d.u8()? {
                        0 => Input::Local(d.u64()?),
                        1 => Input::Remote(d.payload()?),
                        2 => Input::Recompute {
                            task: d.u64()?,
                            kernel: d.kernel()?,
                        },
                        3 => Input::Spilled(PathBuf::from(d.string()?)),
                        4 => Input::RemoteLast(d.payload()?),
                        5 => Input::LocalLast(d.u64()?),
                        _ => return Err(bad("input kind")),
                    });
                }
                Request::Run {
                    task,
                    kernel,
                    inputs,
                }
            }
            2 => Request::Fetch { task: d.u64()? },
            3 => Request::Release { task: d.u64()? },
            4 => Request::Clear,
            5 => Request::Spill {
                task: d.u64()?,
                path: PathBuf::from(d.string()?),
            },
            6 => Request::Trim,
            _ => return Err(bad("request tag")),
        })
    }
}

impl Reply {
    /// The framed bytes of this reply.
    pub(crate) fn encode(&self) -> io::Result<Vec<u8>> {
        let e = match self {
            Reply::Hello { pid } => {
                let mut e = Enc::new(1);
                e.u64(u64::from(*pid));
                e
            }
            Reply::Done { task, nbytes } => {
                let mut e = Enc::new(2);
                e.u64(*task);
                e.u64(*nbytes);
                e
            }
            Reply::Failed {
                task,
                panicked,
                kind,
                message,
                source,
            } => {
                let mut e = Enc::new(3);
                e.u64(*task);
                e.u8(u8::from(*panicked));
                e.u8(kind.code());
                e.bytes(message.as_bytes());
                match source {
                    None => e.u8(0),
                    Some(s) => {
                        e.u8(1);
                        e.bytes(s.tag.as_bytes());
                        e.bytes(&s.bytes);
                        e.bytes(s.message.as_bytes());
                    }
                }
                e
            }
            Reply::Data { task, payload } => {
                let mut e = Enc::new(4);
                e.u64(*task);
                e.payload(payload);
                e
            }
            Reply::Missing { task, message } => {
                let mut e = Enc::new(5);
                e.u64(*task);
                e.bytes(message.as_bytes());
                e
            }
            Reply::Spilled { task } => {
                let mut e = Enc::new(6);
                e.u64(*task);
                e
            }
        };
        e.finish()
    }

    fn decode(body: &[u8]) -> io::Result<Self> {
        let mut d = Dec(body);
        Ok(match d.u8()? {
            1 => Reply::Hello {
                pid: u32::try_from(d.u64()?).map_err(|_| bad("pid"))?,
            },
            2 => Reply::Done {
                task: d.u64()?,
                nbytes: d.u64()?,
            },
            3 => Reply::Failed {
                task: d.u64()?,
                panicked: d.u8()? != 0,
                kind: KernelErrorKind::from_code(d.u8()?),
                message: d.string()?,
                source: match d.u8()? {
                    0 => None,
                    1 => Some(EncodedSource {
                        tag: d.string()?,
                        bytes: d.bytes()?.to_vec(),
                        message: d.string()?,
                    }),
                    _ => return Err(bad("error source flag")),
                },
            },
            4 => Reply::Data {
                task: d.u64()?,
                payload: d.payload()?,
            },
            5 => Reply::Missing {
                task: d.u64()?,
                message: d.string()?,
            },
            6 => Reply::Spilled { task: d.u64()? },
            _ => return Err(bad("reply tag")),
        })
    }
}

/// Read one frame; `Ok(None)` at a clean end of stream.
fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

/// Read the next request; `None` when the parent closed the pipe.
pub(crate) fn read_request(r: &mut impl Read) -> io::Result<Option<Request>> {
    read_frame(r)?.map(|b| Request::decode(&b)).transpose()
}

/// Read the next reply; `None` when the worker closed the pipe (it exited).
pub(crate) fn read_reply(r: &mut impl Read) -> io::Result<Option<Reply>> {
    read_frame(r)?.map(|b| Reply::decode(&b)).transpose()
}

/// Write one framed message and flush it.
pub(crate) fn send(w: &mut impl Write, frame: &[u8]) -> io::Result<()> {
    w.write_all(frame)?;
    w.flush()
}

/// Blocks above this many encoded bytes go through shared memory, not the pipe.
pub(crate) const SHM_THRESHOLD: usize = 64 * 1024;

/// The directory for shared-memory files: `/dev/shm` when present.
pub(crate) fn shm_dir() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

/// Encode a block as a payload: inline when small, else into a new
/// shared-memory file, written from the block's memory (no encoded copy;
/// plain writes rather than a mapping, so the file's pages are not counted
/// again in this process's resident set).
pub(crate) fn to_payload(block: &Block, name: &str) -> io::Result<Payload> {
    if 6 + 8 * block.shape().len() + block.nbytes() <= SHM_THRESHOLD {
        return Ok(Payload::Inline(block.encode()));
    }
    let path = shm_dir().join(name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    if let Err(e) = block.write_to(&mut file) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(Payload::Shm(path))
}

/// Decode a payload into a block (a file's data read straight into the block).
pub(crate) fn from_payload(p: &Payload) -> io::Result<Block> {
    let to_io = |e: tessera_chunk_core::Error| io::Error::new(io::ErrorKind::InvalidData, e);
    match p {
        Payload::Inline(b) => Block::decode(b).map_err(to_io),
        Payload::Shm(path) => {
            let mut file = std::fs::File::open(path)?;
            let len = file.metadata()?.len();
            Block::read_from(&mut file, len).map_err(to_io)
        }
    }
}

/// Remove a payload's shared-memory file, if it has one.
pub(crate) fn discard(p: &Payload) {
    if let Payload::Shm(path) = p {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;

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
        let f = Reply::Failed {
            task: 9,
            panicked: true,
            kind: KernelErrorKind::Other,
            message: "boom".into(),
            source: None,
        };
        let frame = f.encode().unwrap();
        let back = read_reply(&mut &frame[..]).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{f:?}"));
        // A kernel error's kind and encoded typed source travel whole.
        let typed = Reply::Failed {
            task: 3,
            panicked: false,
            kind: KernelErrorKind::Storage,
            message: "chunk [1] of \"a\" cannot be decoded".into(),
            source: Some(EncodedSource {
                tag: "tessera.storage".into(),
                bytes: b"{\"CorruptChunk\":{}}".to_vec(),
                message: "chunk [1] of \"a\" cannot be decoded".into(),
            }),
        };
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
