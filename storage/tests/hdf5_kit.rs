//! The HDF5 store passes the store test kit, with and without gzip.

use tessera_storage::{testing, Hdf5Options, Hdf5Store, Store};

fn kit(options: Hdf5Options) {
    let dirs = std::sync::Mutex::new(Vec::new());
    testing::run_all(&|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Hdf5Store::create(dir.path().join("kit.h5"))
            .unwrap()
            .with_options(options);
        dirs.lock().unwrap().push(dir);
        Box::new(store) as Box<dyn Store>
    });
}

#[test]
fn hdf5_passes_the_kit() {
    kit(Hdf5Options::default());
}

#[test]
fn hdf5_gzip_passes_the_kit() {
    kit(Hdf5Options::gzip(4));
}

#[test]
fn store_is_send_and_sync() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Hdf5Store>();
    let _as_dyn: Option<std::sync::Arc<dyn Store>> =
        None::<std::sync::Arc<Hdf5Store>>.map(|s| s as _);
}
