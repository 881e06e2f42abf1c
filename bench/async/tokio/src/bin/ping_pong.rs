// The twin of bench/async/ping_pong.ae (tokio::sync::mpsc bounded channels).
#[tokio::main]
async fn main() {
    let (to_pong, mut from_ping) = tokio::sync::mpsc::channel::<u64>(1);
    let (to_ping, mut from_pong) = tokio::sync::mpsc::channel::<u64>(1);
    let pong = tokio::spawn(async move {
        let mut n = 0u64;
        while let Some(v) = from_ping.recv().await {
            n += 1;
            if to_ping.send(v + 1).await.is_err() { break; }
        }
        n
    });
    let ping = tokio::spawn(async move {
        let mut v = 0u64;
        let mut i = 0;
        while i < 1_000_000 {
            to_pong.send(v).await.unwrap();
            v = from_pong.recv().await.unwrap();
            i += 1;
        }
        v
    });
    let v = ping.await.unwrap();
    let n = pong.await.unwrap();
    println!("{} {}", v, n);
}
