//! The memory store passes the store test kit.

use tessera_storage::{testing, MemoryStore, Store};

#[test]
fn memory_store_passes_the_kit() {
    testing::run_all(&|| Box::new(MemoryStore::new()) as Box<dyn Store>);
}
