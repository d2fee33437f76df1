fn main() {
    println!("T");
}
