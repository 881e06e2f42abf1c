// The twin of bench/async/spawn_join.ae: Tokio's multi-thread runtime, same worker count.
#[tokio::main]
async fn main() {
    let mut handles = Vec::with_capacity(1_000_000);
    let mut i = 0u64;
    while i < 1_000_000 {
        handles.push(tokio::spawn(async move { i * 2 }));
        i += 1;
    }
    let mut sum = 0u64;
    for h in handles {
        sum += h.await.unwrap();
    }
    println!("{}", sum);
}
