use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut words = input.split_whitespace();
    let n: usize = words.next().unwrap().parse().unwrap();
    let s = words.next().unwrap().as_bytes();
    let t = s.iter().filter(|&&c| c == b'T').count();
    let a = n - t;
    let winner = if t != a {
        if t > a { "T" } else { "A" }
    } else if s[n - 1] == b'T' {
        "A"
    } else {
        "T"
    };
    println!("{}", winner);
}
