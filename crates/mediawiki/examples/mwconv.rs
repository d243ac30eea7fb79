//! Converts MediaWiki wikitext read on standard input; `--html` renders it too.
fn main() {
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).ok();
    let c = carnet_mediawiki::convert::convert(&s);
    if std::env::args().any(|a| a == "--html") {
        println!("{}", carnet_render::text_to_html(&c.text));
    } else {
        print!("{}", c.text);
    }
    eprintln!("{:?}", c.unconverted);
}
