//! Cost of a fresh device collection and of hashing it into a wire fingerprint.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    c.bench_function("collect", |b| {
        b.iter(|| black_box(openlex_device::collect()))
    });
    let info = openlex_device::collect();
    c.bench_function("fingerprint", |b| {
        b.iter(|| {
            black_box(openlex_device::fingerprint(
                black_box("a1b2c3d4-0000-0000-0000-000000000000"),
                &info,
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
