//! The byte layout of requests and replies, and their framing on a pipe.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use tessera_chunk_core::Block;
use tessera_graph::{Arg, EncodedSource, KernelErrorKind, Params};

use super::{Failure, Input, KernelSpec, Payload, Reply, Request};

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
            Reply::Failed(f) => {
                let mut e = Enc::new(3);
                e.u64(f.task);
                e.u8(u8::from(f.panicked));
                e.u8(f.kind.code());
                e.bytes(f.message.as_bytes());
                match &f.source {
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
            3 => Reply::Failed(Failure {
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
            }),
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
