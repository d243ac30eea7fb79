//! A page and the templates it may call, through `render`: no panic, expansion stays
//! bounded, and the HTML is safe (see `carnet_fuzz::check_html`).
//!
//! Input layout: `<page byte><page text>[0xFF<Modèle:A>[0xFF<Modèle:B>[0xFF<Modèle:C>]]]`.
//! The first byte picks the page being rendered: `M` renders `Modèle:A` (its own text,
//! `<includeonly>` hidden), `C` renders `Catégorie:Parcs`, anything else `Essai`.

#![no_main]

use carnet_core::Title;
use carnet_fuzz::{FuzzWiki, MAX_INPUT, assert_safe, split_parts};
use carnet_render::{Messages, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some(parts) = split_parts(rest) else {
        return;
    };
    let Some((text, templates)) = parts.split_first() else {
        return;
    };
    let page = match selector {
        b'M' => "Modèle:A",
        b'C' => "Catégorie:Parcs",
        _ => "Essai",
    };
    let Ok(page) = Title::parse(page) else {
        return;
    };
    let wiki = FuzzWiki::new(templates);
    let rendered = render(text, &page, &wiki, &Messages::default());
    assert_safe(&format!("{parts:?}"), &rendered.html);
    for (category, _) in &rendered.categories {
        // Categories listed in the footer are category titles.
        assert_eq!(
            category.category.namespace(),
            carnet_core::Namespace::Category,
            "{parts:?}"
        );
    }
});
