//! Renders a fuzz input the way a target does and prints the input, the HTML and the
//! check's verdict: for reading seeds and reproducing findings outside libFuzzer.
//!
//! `cargo run --example show -- render_templates seeds/render_templates/calls.bin`

use carnet_core::Title;
use carnet_fuzz::{FuzzWiki, check_html, split_parts};
use carnet_render::{Messages, render, text_to_html};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, path] = args.as_slice() else {
        eprintln!("usage: show <render_text|render_templates> <file>");
        std::process::exit(2);
    };
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let started = std::time::Instant::now();
    let html = match target.as_str() {
        "render_text" => {
            let text = std::str::from_utf8(&data).expect("not UTF-8: the target skips it");
            println!("text: {text:?}");
            text_to_html(text)
        }
        "render_templates" => {
            let (&selector, rest) = data.split_first().expect("empty input");
            let parts = split_parts(rest).expect("a part is not UTF-8: the target skips it");
            let page = match selector {
                b'M' => "Modèle:A",
                b'C' => "Catégorie:Parcs",
                _ => "Essai",
            };
            println!("page: {page}\nparts: {parts:?}");
            let page = Title::parse(page).expect("valid title");
            let rendered = render(parts[0], &page, &FuzzWiki::new(&parts[1..]), &Messages::default());
            println!("links: {:?}", rendered.links);
            rendered.html
        }
        other => panic!("unknown target {other}"),
    };
    println!("html ({} bytes, {:?}):\n{html}", html.len(), started.elapsed());
    println!("check: {:?}", check_html(&html));
}
