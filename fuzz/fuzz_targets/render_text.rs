//! Any UTF-8 text through `text_to_html` (no wiki behind it: every link red): no panic,
//! and the HTML is safe (see `carnet_fuzz::check_html`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > carnet_fuzz::MAX_INPUT {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = carnet_render::text_to_html(text);
    carnet_fuzz::assert_safe(text, &html);
});
