// The twin of bench/async/sleepers.ae.
use std::time::Duration;

#[tokio::main]
async fn main() {
    let mut handles = Vec::with_capacity(1_000_000);
    let mut i = 0u64;
    while i < 1_000_000 {
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            i
        }));
        i += 1;
    }
    let mut sum = 0u64;
    for h in handles {
        sum += h.await.unwrap();
    }
    println!("{}", sum);
}
