fn main() {
    let mut x: u64 = 0;
    loop {
        // A volatile write: the loop cannot be optimised away.
        unsafe { std::ptr::write_volatile(&mut x, x.wrapping_add(1)) };
    }
}
