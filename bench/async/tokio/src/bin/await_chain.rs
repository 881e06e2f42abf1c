// The twin of bench/async/await_chain.ae (Tokio's current_thread runtime: no task switches).
async fn leaf(x: u64) -> u64 {
    x ^ (x >> 3)
}

async fn middle(x: u64) -> u64 {
    leaf(x).await.wrapping_mul(0x9E3779B97F4A7C15).wrapping_add(1)
}

async fn top(x: u64) -> u64 {
    middle(x).await ^ middle(x.wrapping_add(1)).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut acc = 0u64;
    let mut i = 0u64;
    while i < 10_000_000 {
        acc = ((acc << 5) | (acc >> 59)) ^ top(acc ^ i).await;
        i += 1;
    }
    println!("{}", acc);
}
