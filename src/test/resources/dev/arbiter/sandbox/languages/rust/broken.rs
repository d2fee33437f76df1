fn main() {
    let x: i32 = "T";
    println!("{}", x);
}
