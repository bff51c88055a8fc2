//! Every in-process executor passes the scheduler test kit: one test per case
//! per executor (`sync::calls_callbacks`, `threaded_4_budget::spills_within_budgets`).

use tessera_schedulers::{budget_kit, scheduler_kit, Synchronous, Threaded};

scheduler_kit!(sync, Synchronous);
budget_kit!(sync_budget, Synchronous);

scheduler_kit!(threaded_1, Threaded::new(1));
scheduler_kit!(threaded_2, Threaded::new(2));
scheduler_kit!(threaded_4, Threaded::new(4));
budget_kit!(threaded_1_budget, Threaded::new(1));
budget_kit!(threaded_2_budget, Threaded::new(2));
budget_kit!(threaded_4_budget, Threaded::new(4));
