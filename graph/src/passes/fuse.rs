//! Blockwise fusion: a group of blockwise layers whose intermediate results
//! are read only inside the group becomes one layer whose task runs the
//! kernels in sequence — `sin(x)**2 + cos(x)**2 - 1` is one task per block.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::error::Result;
use crate::fused::{Arg, Fused, Step};
use crate::graph::layers;
use crate::layer::{BlockMap, Blockwise, Layer, LayerRef};
use crate::passes::{rebuild, Pass, Rebuilt};

/// Fuse groups of blockwise layers into single layers.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuseBlockwise;

fn as_blockwise(l: &LayerRef) -> Option<&Blockwise> {
    l.as_any().downcast_ref::<Blockwise>()
}

/// Count, for every layer, the distinct layers that read it (the root counts as read).
fn consumers(root: &LayerRef) -> HashMap<Arc<str>, HashSet<Arc<str>>> {
    let mut out: HashMap<Arc<str>, HashSet<Arc<str>>> = HashMap::new();
    for l in layers(std::slice::from_ref(root)) {
        for i in l.inputs() {
            out.entry(i.name().clone())
                .or_default()
                .insert(l.name().clone());
        }
    }
    out
}

impl Pass for FuseBlockwise {
    fn name(&self) -> &'static str {
        "fuse-blockwise"
    }

    fn run(&self, root: LayerRef) -> Result<LayerRef> {
        let readers = consumers(&root);
        // Layers already swallowed by a group below a later (higher) layer.
        let mut absorbed: HashSet<Arc<str>> = HashSet::new();
        // Decide groups top-down: a layer heads a group unless it was absorbed.
        let order = layers(std::slice::from_ref(&root));
        let mut groups: HashMap<Arc<str>, Vec<LayerRef>> = HashMap::new();
        for head in order.iter().rev() {
            if absorbed.contains(head.name()) || as_blockwise(head).is_none() {
                continue;
            }
            let group = grow_group(head, &readers);
            if group.len() > 1 {
                for m in &group[..group.len() - 1] {
                    absorbed.insert(m.name().clone());
                }
                groups.insert(head.name().clone(), group);
            }
        }
        if groups.is_empty() {
            return Ok(root);
        }
        rebuild(&root, |layer, rebuilt| {
            Ok(groups
                .get(layer.name())
                .map(|g| fuse_group(layer, g, rebuilt)))
        })
    }
}

/// The group headed by `head`: blockwise inputs with identity maps whose every
/// reader is already in the group, added until nothing more fits. Returned
/// members first, head last, in dependency order.
fn grow_group(head: &LayerRef, readers: &HashMap<Arc<str>, HashSet<Arc<str>>>) -> Vec<LayerRef> {
    let mut members: HashMap<Arc<str>, LayerRef> = HashMap::new();
    members.insert(head.name().clone(), head.clone());
    loop {
        let mut added = false;
        let candidates: Vec<LayerRef> = members
            .values()
            .filter_map(as_blockwise)
            .flat_map(|b| {
                b.inputs()
                    .iter()
                    .zip(b.maps())
                    .filter(|(i, m)| {
                        **m == BlockMap::identity(i.chunks().ndim())
                            && i.chunks().numblocks() == b.chunks().numblocks()
                    })
                    .map(|(i, _)| i.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        for c in candidates {
            if members.contains_key(c.name()) || as_blockwise(&c).is_none() {
                continue;
            }
            let all_inside = readers
                .get(c.name())
                .is_some_and(|r| r.iter().all(|n| members.contains_key(n)));
            if all_inside {
                members.insert(c.name().clone(), c);
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    // Dependency order within the group.
    let ordered = layers(std::slice::from_ref(head));
    ordered
        .into_iter()
        .filter(|l| members.contains_key(l.name()))
        .collect()
}

/// One blockwise layer doing the work of `group` (whose last member is `head`,
/// already rebuilt on fused inputs).
fn fuse_group(head: &LayerRef, group: &[LayerRef], rebuilt: Rebuilt<'_>) -> LayerRef {
    let in_group: HashMap<Arc<str>, usize> = group
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name().clone(), i))
        .collect();
    let mut inputs: Vec<LayerRef> = Vec::new();
    let mut maps: Vec<BlockMap> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    for member in group {
        // The head may have been rebuilt; read its inputs from the rebuilt copy.
        let member = if member.name() == head.name() {
            head
        } else {
            member
        };
        let Some(b) = as_blockwise(member) else {
            return head.clone();
        };
        let args = b
            .inputs()
            .iter()
            .zip(b.maps())
            .map(|(input, map)| match in_group.get(input.name()) {
                Some(&j) => Arg::Step(j),
                None => {
                    let input = rebuilt(input);
                    let pos = inputs
                        .iter()
                        .zip(&maps)
                        .position(|(l, m)| l.name() == input.name() && m == map)
                        .unwrap_or_else(|| {
                            inputs.push(input.clone());
                            maps.push(map.clone());
                            inputs.len() - 1
                        });
                    Arg::Input(pos)
                }
            })
            .collect();
        steps.push(Step {
            kernel: b.kernel().clone(),
            args,
            label: b.label().to_string(),
        });
    }
    let all_elementwise = group.iter().all(|m| {
        as_blockwise(if m.name() == head.name() { head } else { m })
            .is_some_and(Blockwise::is_elementwise)
    });
    let fused = Blockwise::new(
        head.label(),
        head.chunks().clone(),
        head.dtype(),
        inputs,
        maps,
        Arc::new(Fused { steps }),
    )
    .with_name(head.name().clone());
    Arc::new(if all_elementwise {
        fused.elementwise()
    } else {
        fused
    })
}
