fn main() {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        kept.push(vec![1u8; 32 << 20]);
        if kept.len() > 1000 {
            println!("{}", kept.len());
        }
    }
}
