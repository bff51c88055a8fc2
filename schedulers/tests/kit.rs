//! Every executor passes the scheduler test kit.

use tessera_schedulers::{testing, Sync, Threaded};

#[test]
fn sync_passes_the_kit() {
    testing::run_all(&Sync);
}

#[test]
fn threaded_passes_the_kit() {
    for workers in [1, 2, 4] {
        testing::run_all(&Threaded::new(workers));
    }
}

#[test]
fn sync_keeps_memory_budgets() {
    testing::run_budget_kit(&Sync);
}

#[test]
fn threaded_keeps_memory_budgets() {
    for workers in [1, 2, 4] {
        testing::run_budget_kit(&Threaded::new(workers));
    }
}
