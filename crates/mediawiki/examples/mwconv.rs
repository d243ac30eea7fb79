fn main() {
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).ok();
    let c = carnet_mediawiki::convert::convert(&s);
    print!("{}", c.text);
    eprintln!("{:?}", c.unconverted);
}
